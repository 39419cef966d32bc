"""The disclosure editor's answers as HTML, grouped by domain.

An unbound answer form's HTML depends only on its criterion (the reference data) and
the saved answer, so it is cached under a digest of the answer as stored: a page
whose answers are all cached builds no form and no model object at all, and one
saved answer re-renders only its own form. Bound forms (a POST with problems) are
rendered as they are, never cached.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from vendors import cache
from vendors import selectors_editor as editor
from vendors.forms_editor import AnswerForm
from vendors.models import Disclosure

_TEMPLATE = "vendors/_answer_form.html"


class DraftLoader:
    """The draft of a disclosure, read the first time it is asked for (or never)."""

    def __init__(self, disclosure: Disclosure | None) -> None:
        self.disclosure = disclosure
        self._loaded = False
        self._draft: Disclosure | None = None

    def __call__(self) -> Disclosure | None:
        if not self._loaded:
            self._draft = editor.disclosure_draft(disclosure=self.disclosure)
            self._loaded = True
        return self._draft

    def answers(self) -> dict[int, Any]:
        """Return the draft's answers by criterion id."""
        draft = self()
        return {a.criterion_id: a for a in draft.answers.all()} if draft else {}


def _digest(content: dict[str, Any] | None) -> str:
    stored = {k: v for k, v in (content or {}).items() if k not in ("pk", "id")}
    payload = json.dumps(stored, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _render(form: AnswerForm) -> str:
    return render_to_string(_TEMPLATE, {"form": form})


def _unbound_html(
    criteria: list[Any], *, disclosure: Disclosure | None, draft: DraftLoader
) -> list[SafeString]:
    contents = editor.answer_contents(disclosure=disclosure)
    if contents is None:  # no revision: the live rows, as objects
        contents = {pk: a.serializable_data() for pk, a in draft.answers().items()}
    answers: dict[int, Any] | None = None

    def renderer(criterion: Any) -> Callable[[], str]:
        def render() -> str:
            nonlocal answers
            if answers is None:
                answers = draft.answers()
            return _render(
                AnswerForm(criterion=criterion, answer=answers.get(criterion.pk))
            )

        return render

    return cache.published_html_many(
        scopes=[],
        items=[
            (["editor-answer", c.code, _digest(contents.get(c.pk))], renderer(c))
            for c in criteria
        ],
    )


def answer_groups(
    criteria: list[Any],
    forms: list[AnswerForm] | None,
    *,
    disclosure: Disclosure | None,
    draft: DraftLoader,
) -> list[dict[str, Any]]:
    """Return ``[{"domain", "answers": [html], "errors": n}]`` in the criteria's order.

    ``forms``: the bound forms of a POST, one per criterion; None for the saved draft.
    """
    if forms is None:
        html = _unbound_html(criteria, disclosure=disclosure, draft=draft)
        errors = [0] * len(criteria)
    else:
        html = [mark_safe(_render(form)) for form in forms]  # noqa: S308 - a template's
        errors = [1 if form.errors else 0 for form in forms]
    groups: list[dict[str, Any]] = []
    for criterion, answer_html, error in zip(criteria, html, errors, strict=True):
        domain = criterion.domain
        if not groups or groups[-1]["domain"].pk != domain.pk:
            groups.append({"domain": domain, "answers": [], "errors": 0})
        groups[-1]["answers"].append(answer_html)
        groups[-1]["errors"] += error
    return groups

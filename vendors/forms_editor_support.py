"""Helpers of the disclosure editor's forms: detail fields, initial data, errors."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from vendors.forms_editor import AnswerForm

BLANK: Final = ("", gettext_lazy("— choose —"))
_ERROR_KEY: Final = re.compile(r"^(?P<code>[^.]+)\.(?P<field>.+)$")


class DateInput(forms.DateInput):
    """A native date picker (no script, so no CSP exception)."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def detail_field(spec: Mapping[str, Any]) -> forms.Field:
    """Return the form field of one scale ``fields``/``entry_fields`` entry."""
    label = spec.get("label") or spec.get("key")
    kind = spec.get("type")
    if kind == "integer":
        return forms.IntegerField(label=label, required=False, min_value=0)
    if kind == "date":
        return forms.DateField(label=label, required=False, widget=DateInput())
    if kind == "url":
        return forms.URLField(
            label=label, required=False, max_length=500, assume_scheme="https"
        )
    if kind == "choice":
        choices = [
            (o["key"], o.get("label", o["key"])) for o in spec.get("options", [])
        ]
        return forms.ChoiceField(label=label, required=False, choices=[BLANK, *choices])
    help_text = _("Separate several with commas.") if kind == "text_list" else ""
    return forms.CharField(
        label=label, required=False, max_length=2000, help_text=help_text
    )


def detail_value(spec: Mapping[str, Any], value: Any) -> Any:
    """Turn a cleaned form value into the stored shape (None: nothing given)."""
    if value in (None, "", []):
        return None
    kind = spec.get("type")
    if kind == "date":
        return value.isoformat()
    if kind == "text_list":
        items = [v.strip() for v in re.split(r"[,\n]", str(value))]
        return [v for v in items if v] or None
    return value.strip() if isinstance(value, str) else value


def detail_initial(spec: Mapping[str, Any], value: Any) -> Any:
    if spec.get("type") == "text_list" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def answer_initial(criterion: Any, answer: Any) -> dict[str, Any]:
    """Return the form's initial data from a saved (draft) answer, or none."""
    if answer is None:
        return {}
    initial: dict[str, Any] = {
        name: getattr(answer, name)
        for name in (
            "status",
            "status_reason",
            "configurability",
            "default_option",
            "basis",
            "as_of",
            "product_version",
            "note",
        )
    }
    value = answer.value
    if criterion.scale_kind == "table" and isinstance(value, dict):
        for key, cell in value.items():
            cell = cell or {}
            initial[f"row__{key}"] = cell.get("option", "")
            for spec in (criterion.scale or {}).get("fields") or []:
                initial[f"row__{key}__{spec['key']}"] = cell.get(spec["key"])
    elif criterion.scale_kind == "list" and isinstance(value, dict):
        initial["value"] = value.get("option")
    else:
        initial["value"] = value
    for spec in (criterion.scale or {}).get("fields") or []:
        if criterion.scale_kind != "table":
            initial[f"field__{spec['key']}"] = detail_initial(
                spec, (answer.fields or {}).get(spec["key"])
            )
    evidence = list(answer.evidence.all())[:1]
    if evidence:
        initial["evidence_url"] = evidence[0].url
        initial["evidence_type"] = evidence[0].document_type
        initial["evidence_excerpt"] = evidence[0].excerpt
    return initial


def apply_service_errors(
    forms_by_code: Mapping[str, AnswerForm], errors: Mapping[str, Sequence[str]]
) -> list[str]:
    """Put the service's ``"<code>.<field>"`` errors on their forms; return the rest."""
    unplaced: list[str] = []
    for key, messages in errors.items():
        match = _ERROR_KEY.match(key)
        form = forms_by_code.get(match["code"]) if match else None
        if form is None or match is None:
            unplaced.extend(messages)
            continue
        name = match["field"]
        if name.startswith("evidence"):
            name = "evidence_file" if name.endswith(".upload") else "evidence_url"
        elif name not in form.fields:
            name = ""  # e.g. a table's value: about the whole answer
        for message in messages:
            form.add_error(name or None, message)
    return unplaced

"""The comparison's GET parameters, validated before anything is read.

Bad values never raise: each is replaced by its default and reported in a message
the page shows, so a mistyped link still gives a useful comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vendors.selectors_public.comparison import ROWS_ALL, ROWS_ANSWERED

#: At most this many ``p`` values are read (the page allows six products).
MAX_KEYS_READ = 50


class CompareForm(forms.Form):
    """The comparison's filters and toggles (products are read separately)."""

    domain = forms.SlugField(max_length=20, required=False)
    module = forms.SlugField(max_length=20, required=False)
    rows = forms.ChoiceField(
        choices=[
            (ROWS_ANSWERED, gettext_lazy("Criteria a compared product answered")),
            (ROWS_ALL, gettext_lazy("All criteria")),
        ],
        required=False,
    )
    diff = forms.ChoiceField(
        choices=[
            ("", gettext_lazy("All answers")),
            ("1", gettext_lazy("Differences only")),
        ],
        required=False,
    )


@dataclass(frozen=True)
class CompareParams:
    """Validated comparison parameters."""

    keys: tuple[str, ...]
    domain: str = ""
    module: str = ""
    rows: str = ROWS_ANSWERED
    differences_only: bool = False

    def cache_parts(self) -> list[str]:
        """Return the parameters as parts of a cache key (order of products kept)."""
        return [
            "|".join(self.keys),
            self.domain,
            self.module,
            self.rows,
            "diff" if self.differences_only else "",
        ]


def compare_params(query: QueryDict) -> tuple[CompareParams, list[str]]:
    """Return the validated parameters of ``query`` and a message per bad value."""
    form = CompareForm(
        {name: query.get(name, "") for name in ("domain", "module", "rows", "diff")}
    )
    form.is_valid()
    messages = [
        _("The value given for “%(name)s” was ignored.") % {"name": name}
        for name in form.errors
    ]
    data = form.cleaned_data
    keys = tuple(k[:201] for k in query.getlist("p")[:MAX_KEYS_READ])
    return (
        CompareParams(
            keys=keys,
            domain=data.get("domain") or "",
            module=data.get("module") or "",
            rows=data.get("rows") or ROWS_ANSWERED,
            differences_only=data.get("diff") == "1",
        ),
        messages,
    )

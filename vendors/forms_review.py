"""The moderator's decision on a submitted disclosure (approve, or request changes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class ReviewForm(forms.Form):
    """Approve and publish, or request changes with a comment the representative sees."""

    comment = forms.CharField(
        label=gettext_lazy("Comment for the representative"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decision = forms.ChoiceField(
        choices=[
            ("approve", gettext_lazy("Approve and publish")),
            ("reject", gettext_lazy("Request changes")),
        ]
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if (
            cleaned.get("decision") == "reject"
            and not cleaned.get("comment", "").strip()
        ):
            self.add_error("comment", _("Say what needs to change."))
        return cleaned

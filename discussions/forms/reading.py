"""The reading history setting (opt-in; off by default)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.forms.posting import AccessibleFormMixin

__all__ = ["ReadingSettingsForm"]


class ReadingSettingsForm(AccessibleFormMixin, forms.Form):
    """Turn reading history on or off."""

    reading_history = forms.BooleanField(
        label=_("Remember what I have read"),
        required=False,
        help_text=_(
            "Shows how many posts are new in each topic and a link to continue where "
            "you left off. Off unless you turn it on. Turning it off deletes "
            "everything cop kept about what you read."
        ),
    )

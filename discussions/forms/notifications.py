"""Forms: follow levels and the notification and digest settings."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import DigestFrequency, FollowLevel

#: The follow form's extra choice: forget the row (back to the default).
REMOVE = "remove"

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class FollowForm(forms.Form):
    """One follow level (or removal) for one target; ``next`` is where to go back."""

    level = forms.ChoiceField(
        choices=[*FollowLevel.choices, (REMOVE, _("Stop following (default)"))]
    )
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class NotificationSettingsForm(forms.Form):
    """Instant e-mails on or off, and when the digest comes."""

    email_notifications = forms.BooleanField(
        label=_("Send me an e-mail for each notification"),
        required=False,
        help_text=_("Off by default: notifications always appear on the site."),
    )
    digest_frequency = forms.ChoiceField(
        label=_("Digest e-mail"), choices=DigestFrequency.choices
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Local hour"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
    )
    digest_weekday = forms.TypedChoiceField(
        label=_("Weekday (weekly digest)"), coerce=int, choices=WEEKDAYS
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("A name like Europe/Paris or America/Chicago."),
    )

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _("Unknown time zone: use a name like Europe/Paris.")
            ) from None
        return name

    @classmethod
    def initial_for(cls, row: Any) -> dict[str, Any]:
        """Return the form's initial values from a ``DiscussionSettings`` row (or None)."""
        if row is None:
            return {
                "email_notifications": False,
                "digest_frequency": DigestFrequency.WEEKLY,
                "digest_hour": 8,
                "digest_weekday": 0,
                "time_zone": "UTC",
            }
        return {
            "email_notifications": row.email_notifications,
            "digest_frequency": row.digest_frequency,
            "digest_hour": row.digest_hour,
            "digest_weekday": row.digest_weekday,
            "time_zone": row.time_zone,
        }

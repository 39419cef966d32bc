"""Forms: follow levels and the notification and digest settings."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.forms.posting import AccessibleFormMixin
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


#: Regions of the IANA database offered as groups; other names (UTC, legacy
#: aliases such as US/Eastern) are kept valid but only listed when already chosen.
ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


@lru_cache(maxsize=1)
def time_zone_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Return the IANA zones grouped by region, for a ``<select>`` with optgroups.

    The label drops the region ("America/Argentina/Buenos_Aires" reads
    "Argentina / Buenos Aires" under "America"); UTC comes first on its own.
    """
    by_region: dict[str, list[tuple[str, str]]] = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _sep, place = name.partition("/")
        if region in ZONE_REGIONS and place:
            label = place.replace("_", " ").replace("/", " / ")
            by_region.setdefault(region, []).append((name, label))
    groups: list[tuple[str, tuple[tuple[str, str], ...]]] = [("UTC", (("UTC", "UTC"),))]
    groups += [
        (region, tuple(by_region[region]))
        for region in ZONE_REGIONS
        if region in by_region
    ]
    return tuple(groups)


class TimeZoneSelect(forms.Select):
    """The time zone list; ``data-browser-default`` lets the script preselect the browser's zone."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "class": "time-zone-select",
                "data-filter-label": _("Find a time zone (type a city or region)"),
                "data-browser-note": _(
                    "Preselected from your browser's time zone; save to keep it."
                ),
                **(attrs or {}),
            }
        )


class FollowForm(forms.Form):
    """One follow level (or removal) for one target; ``next`` is where to go back."""

    level = forms.ChoiceField(
        choices=[*FollowLevel.choices, (REMOVE, _("Stop following (default)"))]
    )
    next = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


class NotificationSettingsForm(AccessibleFormMixin, forms.Form):
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
        help_text=_("Where you are: the digest comes at the local hour chosen above."),
        widget=TimeZoneSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = list(time_zone_choices())
        current = self.initial.get("time_zone") or ""
        listed = {name for _group, zones in choices for name, _label in zones}
        if current and current not in listed:
            # A valid older name (e.g. US/Eastern) stays selectable as it is.
            choices.append((_("Other"), ((current, current),)))
        widget = self.fields["time_zone"].widget
        assert isinstance(widget, forms.Select)  # noqa: S101 - set just above
        widget.choices = choices
        if not self.is_bound and current == "UTC" and not self.initial.get("chosen"):
            # No zone chosen yet: the script may preselect the browser's.
            widget.attrs["data-browser-default"] = "1"

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"].strip()
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(
                _("Unknown time zone: choose one from the list.")
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
            "chosen": True,
        }

"""What every rendered fragment shares: relative times and the names members see."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.utils import timezone
from django.utils.html import avoid_wrapping, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS, timesince
from django.utils.translation import gettext as _


def member_name(user: Any) -> str:
    """Return the name other people see for ``user`` (never an e-mail or real name)."""
    if user is None:
        return _("Former member")
    return str(user.public_name)


# Under four weeks no calendar month has passed: timesince's answer is then the
# first non-zero of these units (depth 1), which a page can compute and reuse.
_SHORT_UNITS: Final = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60))
_SHORT_LIMIT: Final = 28 * 86400


class TimeLabels:
    """Renders ``<time>`` elements relative to one ``now`` (reused across a page).

    Gives what ``timesince(value, now, depth=1)`` gives, computing the common
    case (under four weeks) directly and translating each distinct label once.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._zone = timezone.get_current_timezone()
        self.zone_name = str(self._zone)
        self._labels: dict[tuple[str, int], str] = {}

    def label(self, value: datetime) -> str:
        """Return the words of ``value`` relative to now ("3 hours ago")."""
        return self._label(value)

    def _label(self, value: datetime) -> str:
        now = self.now
        if value > now:
            return _("just now")
        delta = now - value
        since = delta.days * 86400 + delta.seconds
        if since >= _SHORT_LIMIT:
            return _("%(since)s ago") % {"since": timesince(value, now, depth=1)}
        unit, count = "minute", 0
        for name, seconds in _SHORT_UNITS:
            count = since // seconds
            if count:
                unit = name
                break
        key = (unit, count)
        label = self._labels.get(key)
        if label is None:
            label = _("%(since)s ago") % {
                "since": avoid_wrapping(TIME_STRINGS[unit] % {"num": count})
            }
            self._labels[key] = label
        return label

    def __call__(self, value: datetime | None) -> SafeString | str:
        if value is None:
            return ""
        local = value.astimezone(self._zone).strftime("%Y-%m-%d %H:%M %Z")
        return mark_safe(  # noqa: S308 - every part escaped
            f'<time datetime="{escape(value.isoformat())}" title="{escape(local)}">'
            f"{escape(self._label(value))}</time>"
        )

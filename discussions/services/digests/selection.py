"""Who is due for a digest and for which period: schedules in the member's time zone.

A member's ``next_digest_at`` is ``digest_hour`` o'clock in their ``time_zone`` (every
day, or on ``digest_weekday``); :func:`digest_due_batch` walks the members whose time
has passed and gives each the period their digest covers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from discussions.models import DigestFrequency, DiscussionSettings

_INTERVALS: dict[str, timedelta] = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _slot_on(day: Any, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def digest_next_at(*, prefs: DiscussionSettings, after: datetime) -> datetime | None:
    """Return the member's first digest time strictly after ``after`` (None when off).

    The time is ``digest_hour`` o'clock in the member's ``time_zone`` (any day for a
    daily digest, ``digest_weekday`` for a weekly one), returned in UTC.
    """
    if prefs.digest_frequency not in _INTERVALS:
        return None
    zone = _zone(prefs.time_zone)
    local_day = after.astimezone(zone).date()
    for offset in range(9):
        day = local_day + timedelta(days=offset)
        if (
            prefs.digest_frequency == DigestFrequency.WEEKLY
            and day.weekday() != prefs.digest_weekday
        ):
            continue
        slot = _slot_on(day, prefs.digest_hour, zone).astimezone(UTC)
        if slot > after:
            return slot
    return None  # pragma: no cover - a slot always exists within 8 days


def digest_period_for(
    *, prefs: DiscussionSettings, now: datetime
) -> tuple[datetime, datetime] | None:
    """Return ``(start, end)`` of the period a digest due at ``now`` covers, or None.

    ``end`` is the latest scheduled time at or before ``now`` (so every scheduler run
    within one period computes the same period); ``start`` is one interval earlier,
    or the end of the last digest when that is later (no item is sent twice after a
    change from weekly to daily).
    """
    interval = _INTERVALS.get(prefs.digest_frequency)
    if interval is None:
        return None
    end = digest_next_at(prefs=prefs, after=now - interval - timedelta(days=1))
    while end is not None:
        following = digest_next_at(prefs=prefs, after=end)
        if following is None or following > now:
            break
        end = following
    if end is None or end > now:
        return None
    start = end - interval
    if prefs.last_digest_at and prefs.last_digest_at > start:
        start = prefs.last_digest_at
    if start >= end:
        return None
    return start, end


def digest_schedule_refresh(
    *, prefs: DiscussionSettings, now: datetime | None = None
) -> DiscussionSettings:
    """Recompute and save ``prefs.next_digest_at`` (call after the member changes it).

    Idempotent. The settings forms call this after saving frequency, hour,
    weekday or time zone.
    """
    now = now or timezone.now()
    prefs.next_digest_at = digest_next_at(prefs=prefs, after=now)
    prefs.save(update_fields=["next_digest_at", "updated_at"])
    return prefs


def _verified_email_q(user_ref: str = "pk", email_ref: str = "email") -> Exists:
    """Return "the member's current address is verified" (allauth) as a subquery."""
    return Exists(
        EmailAddress.objects.filter(
            user_id=OuterRef(user_ref), email__iexact=OuterRef(email_ref), verified=True
        )
    )


def digest_settings_backfill(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Give up to ``limit`` eligible members without settings a row with the defaults.

    A member without a row has the weekly default (Monday 08:00 UTC); the row is
    created here, lazily and in bulk, so that due selection is one indexed query.
    Idempotent (conflicts are ignored). Returns the number of rows created.
    """
    now = now or timezone.now()
    user_ids = list(
        get_user_model()
        .objects.filter(is_active=True, discussion_settings__isnull=True)
        .filter(_verified_email_q())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not user_ids:
        return 0
    first = digest_next_at(prefs=DiscussionSettings(), after=now)
    rows = [DiscussionSettings(user_id=pk, next_digest_at=first) for pk in user_ids]
    DiscussionSettings.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def digest_due_batch(
    *, now: datetime, after_user_id: int = 0, limit: int = 500
) -> list[tuple[int, datetime, datetime]]:
    """Return up to ``limit`` ``(user_id, start, end)`` of members due at ``now``.

    Ordered by user ID and starting after ``after_user_id``, so that a chunked walk
    (STYLE rule 15) visits everyone once. Two queries whatever the size.
    """
    rows = (
        DiscussionSettings.objects.filter(
            next_digest_at__lte=now,
            bouncing_since__isnull=True,
            user_id__gt=after_user_id,
            user__is_active=True,
        )
        .exclude(digest_frequency=DigestFrequency.OFF)
        .filter(_verified_email_q("user_id", "user__email"))
        .order_by("user_id")[:limit]
    )
    due = []
    for prefs in rows:
        period = digest_period_for(prefs=prefs, now=now)
        if period is not None:
            due.append((prefs.user_id, *period))
        else:
            digest_schedule_refresh(prefs=prefs, now=now)
    return due

"""The guides' part of the digest: new and updated guides, and upcoming events.

Registered into :data:`cop.core.digest.digest_sections` in ``GuidesConfig.ready()``.
Only members who follow a section (:class:`cop.guides.models.SectionFollow`) get it.
Only live, public pages are listed, with minimal data: a title, a link and a short
note. A member's period decides what is in their digest, so building it again for
the same period gives the same items.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from cop.core.digest import DigestItem, DigestRequest, DigestSection
from cop.guides.models import EventPage, FollowedSection, GuidePage
from cop.guides.selectors_members import section_followers

__all__ = ["build_events_section", "build_guides_section"]


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url


def _followers(requests: Sequence[DigestRequest], section: str) -> list[DigestRequest]:
    follows = section_followers(user_ids=[request.viewer.pk for request in requests])
    return [r for r in requests if section in follows.get(r.viewer.pk, frozenset())]


def _index_url(page: Any) -> str:
    parent = page.get_parent()
    return _absolute(parent.get_url() or "/") if parent is not None else ""


def build_guides_section(
    *, requests: Sequence[DigestRequest], limit: int
) -> dict[int, DigestSection]:
    """Return, by member ID, the guides published or updated in the member's period.

    For members who follow the guides. Two queries for the whole batch (the
    followers, the guides of the batch's whole time span), whatever its size.
    """
    wanted = _followers(requests, FollowedSection.GUIDES)
    if not wanted:
        return {}
    start = min(request.period_start for request in wanted)
    end = max(request.period_end for request in wanted)
    guides = list(
        GuidePage.objects.live()
        .public()
        .filter(last_published_at__gte=start, last_published_at__lt=end)
        .only("title", "url_path", "first_published_at", "last_published_at")
        .order_by("-last_published_at", "-pk")
    )
    if not guides:
        return {}
    more_url = _index_url(guides[0])
    # Each guide's items are built once; members differ only in "new" or "updated".
    built = [(guide, *_guide_items(guide)) for guide in guides]
    sections = {}
    for request in wanted:
        lo, hi = request.period_start, request.period_end
        items = [
            new
            if guide.first_published_at is not None and guide.first_published_at >= lo
            else updated
            for guide, new, updated in built
            if guide.last_published_at is not None
            and lo <= guide.last_published_at < hi
        ]
        if items:
            sections[request.viewer.pk] = DigestSection(
                key="guides",
                heading=_("New and updated guides"),
                items=items[:limit],
                total=len(items),
                more_url=more_url,
            )
    return sections


def _guide_items(guide: GuidePage) -> tuple[DigestItem, DigestItem]:
    """Return a guide's digest line as a new guide and as an updated one."""
    url = _absolute(guide.get_url() or "/")
    when = guide.last_published_at
    return (
        DigestItem(title=guide.title, url=url, note=_("new guide"), when=when),
        DigestItem(title=guide.title, url=url, note=_("updated"), when=when),
    )


def build_events_section(
    *, requests: Sequence[DigestRequest], limit: int
) -> dict[int, DigestSection]:
    """Return, by member ID, the events announced or changed in the member's period.

    For members who follow the events: the live, public events published during
    the period that had not ended when it closed, soonest first. Two queries for
    the whole batch, whatever its size.
    """
    wanted = _followers(requests, FollowedSection.EVENTS)
    if not wanted:
        return {}
    start = min(request.period_start for request in wanted)
    end = max(request.period_end for request in wanted)
    events = list(
        EventPage.objects.live()
        .public()
        .filter(
            Q(last_published_at__gte=start, last_published_at__lt=end),
            ends_at__gte=start,
        )
        .only(
            "title",
            "url_path",
            "last_published_at",
            "starts_at",
            "ends_at",
            "time_zone",
        )
        .order_by("starts_at", "pk")
    )
    if not events:
        return {}
    more_url = _index_url(events[0])
    built = [
        (
            event,
            DigestItem(
                title=event.title,
                url=_absolute(event.get_url() or "/"),
                note=_event_when(event),
                when=event.starts_at,
            ),
        )
        for event in events
    ]
    sections = {}
    for request in wanted:
        lo, hi = request.period_start, request.period_end
        items = [
            item
            for event, item in built
            if event.last_published_at is not None
            and lo <= event.last_published_at < hi
            and event.ends_at is not None
            and event.ends_at >= hi
        ]
        if items:
            sections[request.viewer.pk] = DigestSection(
                key="events",
                heading=_("Upcoming events"),
                items=items[:limit],
                total=len(items),
                more_url=more_url,
            )
    return sections


def _event_when(event: EventPage) -> str:
    """Return when an event starts, in its own time zone (e.g. "12 June 2026, 14:00")."""
    from zoneinfo import ZoneInfo

    if event.starts_at is None:
        return ""
    try:
        zone: dt.tzinfo = ZoneInfo(event.time_zone)
    except (ValueError, KeyError):
        zone = dt.UTC
    local = event.starts_at.astimezone(zone)
    return _("starts %(when)s (%(zone)s)") % {
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "zone": event.time_zone or "UTC",
    }

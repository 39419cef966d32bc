"""iCalendar (RFC 5545) files of events, built with the ``icalendar`` library.

The library escapes commas, semicolons, backslashes and newlines in text values and
folds long lines, and :meth:`icalendar.Calendar.add_missing_timezones` adds the
``VTIMEZONE`` of every time zone used, so calendar programs show each event at its
local time. A UID is stable per event page, so a re-imported or re-fetched event
updates the copy already in a calendar instead of adding another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from cop.guides.models import EventPage

PRODID: Final = "-//cop//Library vendor privacy community of practice//EN"
#: How often a subscribed calendar should fetch the feed again (RFC 7986).
REFRESH_INTERVAL: Final = dt.timedelta(days=1)


def _uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "cop.invalid"


def _location(event: EventPage) -> str:
    parts = []
    if event.is_in_person:
        parts += [event.venue, " ".join(event.address.split())]
    if event.is_online:
        parts.append(_("Online"))
    return ", ".join(part for part in parts if part)


def _description(event: EventPage, url: str) -> str:
    lines = [event.intro]
    if event.is_online and event.online_url:
        lines.append(_("Join online: %(url)s") % {"url": event.online_url})
    if event.registration_url:
        lines.append(_("Register: %(url)s") % {"url": event.registration_url})
    lines.append(url)
    return "\n".join(line for line in lines if line)


def event_component(event: EventPage, *, url: str) -> icalendar.Event:
    """Return the ``VEVENT`` of ``event`` (``url`` is its page's full address)."""
    component = icalendar.Event()
    component.add("uid", f"cop-event-{event.pk}@{_uid_domain()}")
    component.add("dtstamp", event.last_published_at or timezone.now())
    component.add("dtstart", event.local_start)
    component.add("dtend", event.local_end)
    component.add("summary", event.title)
    component.add("description", _description(event, url))
    location = _location(event)
    if location:
        component.add("location", location)
    component.add("url", url)
    component.add("status", "CONFIRMED")
    component.add("transp", "OPAQUE")
    return component


def calendar_build(
    events: Iterable[EventPage], *, name: str, request: HttpRequest | None = None
) -> bytes:
    """Return an iCalendar file holding ``events`` (a feed when there are several)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(name))
    cal.add("name", icalendar.vText(name))
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    for event in events:
        url = event.get_full_url(request) or settings.SITE_URL + (event.url or "/")
        cal.add_component(event_component(event, url=url))
    cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def calendar_response(
    events: Iterable[EventPage],
    *,
    name: str,
    filename: str | None,
    request: HttpRequest,
) -> HttpResponse:
    """Return ``events`` as ``text/calendar``; a download when ``filename`` is given."""
    response = HttpResponse(
        calendar_build(events, name=name, request=request),
        content_type="text/calendar; charset=utf-8",
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

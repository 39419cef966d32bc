"""Events: pages, the index with upcoming and past, .ics files and the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import rich_text

from cop.guides.models import EventIndexPage, EventPage, HomePage, StandardPage

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def events_index(db: Any) -> EventIndexPage:
    """The event index that migration 0008 creates at /events/."""
    return EventIndexPage.objects.get(slug="events")


def event_make(index: EventIndexPage, n: int, days: int, **extra: Any) -> EventPage:
    day = NOW.date() + dt.timedelta(days=days)
    fields: dict[str, Any] = {
        "title": f"Event {n}",
        "slug": f"event-{n}",
        "intro": f"About event {n}.",
        "start_date": day,
        "start_time": dt.time(10, 0),
        "end_date": day,
        "end_time": dt.time(11, 30),
        "time_zone": "America/Chicago",
        "attendance": "in_person",
        "venue": "Room 204",
        **extra,
    }
    event = EventPage(**fields)
    index.add_child(instance=event)
    event.save_revision().publish()
    return event


class EventTreeTests(WagtailPageTestCase):
    def test_events_live_under_the_one_event_index(self) -> None:
        self.assertAllowedParentPageTypes(EventIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(EventIndexPage, {EventPage})
        self.assertAllowedParentPageTypes(EventPage, {EventIndexPage})
        self.assertCanNotCreateAt(HomePage, EventPage)
        self.assertCanNotCreateAt(StandardPage, EventPage)
        # migration 0008 made the one index allowed
        assert not EventIndexPage.can_create_at(HomePage.objects.get())


@time_machine.travel(NOW, tick=False)
def test_event_times_are_kept_in_the_event_time_zone(
    events_index: EventIndexPage,
) -> None:
    event = event_make(events_index, 1, days=10)
    assert event.starts_at == dt.datetime(2026, 12, 14, 16, 0, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2026, 12, 14, 17, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": dt.time(9, 0)}, "end_time", "must end after it starts"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "not a known time zone"),
        (
            {"attendance": "online", "venue": ""},
            "online_url",
            "needs a link to join",
        ),
        ({"venue": "", "address": ""}, "venue", "needs a venue or an address"),
    ],
)
def test_event_bad_input_is_a_clear_error_and_nothing_is_saved(
    events_index: EventIndexPage, changes: dict[str, Any], field: str, message: str
) -> None:
    day = NOW.date()
    event = EventPage(
        title="Broken",
        slug="broken",
        intro="x",
        start_date=day,
        start_time=dt.time(10, 0),
        end_date=day,
        end_time=dt.time(11, 0),
        time_zone="Europe/Paris",
        attendance="in_person",
        venue="Hall",
    )
    for name, value in changes.items():
        setattr(event, name, value)
    with pytest.raises(ValidationError) as raised:
        events_index.add_child(instance=event)
    assert field in raised.value.message_dict
    assert message in " ".join(raised.value.message_dict[field])
    assert not EventPage.objects.filter(slug="broken").exists()


def test_event_admin_form_reports_an_end_before_the_start(
    client: Any, events_index: EventIndexPage, moderator_a: Any
) -> None:
    client.force_login(moderator_a)
    url = f"/admin/pages/add/guides/eventpage/{events_index.pk}/"
    form = client.get(url).content.decode()
    assert '<option value="America/Chicago">' in form
    response = client.post(
        url,
        {
            "title": "Bad times",
            "slug": "bad-times",
            "intro": "x",
            "start_date": "2027-01-10",
            "start_time": "14:00",
            "end_date": "2027-01-10",
            "end_time": "13:00",
            "time_zone": "America/Chicago",
            "attendance": "in_person",
            "venue": "Hall",
            "body": rich_text(""),
        },
    )
    assert response.status_code == 200
    assert "The event must end after it starts." in response.content.decode()
    assert not EventPage.objects.filter(slug="bad-times").exists()


@time_machine.travel(NOW, tick=False)
def test_event_index_lists_upcoming_soonest_first_and_archives_past_events(
    client: Any, events_index: EventIndexPage
) -> None:
    event_make(events_index, 1, days=20)
    event_make(events_index, 2, days=5)
    event_make(events_index, 3, days=-30)
    html = client.get("/events/").content.decode()
    upcoming, past = html.split("Past events")
    assert upcoming.index("Event 2") < upcoming.index("Event 1")
    assert "Event 3" in past
    assert "Event 3" not in upcoming
    assert 'href="/events/feed/"' in html
    page = client.get("/events/event-2/").content.decode()
    assert (
        '<time datetime="2026-12-09T16:00:00+00:00">Wednesday 9 December 2026, 10:00'
        '</time>\u2013<time datetime="2026-12-09T17:30:00+00:00">11:30</time>'
    ) in page
    assert "America/Chicago" in page
    assert 'href="/events/event-2/ical/"' in page
    over = client.get("/events/event-3/").content.decode()
    assert "This event is over." in over
    assert "/ical/" not in over


@time_machine.travel(NOW, tick=False)
def test_event_index_queries_do_not_grow_with_events(
    client: Any, events_index: EventIndexPage
) -> None:
    event_make(events_index, 1, days=3)
    event_make(events_index, 2, days=-3)
    client.get("/events/")  # warm Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/events/")
    for n in range(3, 9):
        event_make(events_index, n, days=n if n % 2 else -n)
    with CaptureQueriesContext(connection) as many:
        client.get("/events/")
    assert len(many) == len(few)


@time_machine.travel(NOW, tick=False)
def test_event_ics_parses_back_with_escaped_text_and_its_time_zone(
    client: Any, events_index: EventIndexPage
) -> None:
    event_make(
        events_index,
        1,
        days=10,
        title="Contracts, clauses; and\nred flags",
        venue="Hall A, level 2; east wing",
        attendance="hybrid",
        online_url="https://meet.example.org/a",
        registration_url="https://events.example.org/a",
    )
    response = client.get("/events/event-1/ical/")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="event-1.ics"'
    raw = response.content
    assert b"SUMMARY:Contracts\\, clauses\\; and\\nred flags" in raw
    calendar = icalendar.Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Contracts, clauses; and\nred flags"
    assert str(event["LOCATION"]) == "Hall A, level 2; east wing, Online"
    assert event.decoded("DTSTART") == dt.datetime(
        2026, 12, 14, 10, 0, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-6)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    assert str(event["UID"]).startswith("cop-event-")
    assert "https://events.example.org/a" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith("/events/event-1/")
    # every line folded at 75 octets
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


@time_machine.travel(NOW, tick=False)
def test_feed_holds_upcoming_events_only(
    client: Any, events_index: EventIndexPage
) -> None:
    event_make(events_index, 1, days=10)
    event_make(events_index, 2, days=40, time_zone="Europe/London")
    event_make(events_index, 3, days=-1)
    draft = event_make(events_index, 4, days=12)
    draft.unpublish()
    response = client.get("/events/feed/")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [
        "Event 1",
        "Event 2",
    ]
    assert str(calendar["X-WR-CALNAME"]) == "Events"
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/Chicago",
        "Europe/London",
    ]


@time_machine.travel(NOW, tick=False)
def test_home_page_shows_upcoming_events(
    client: Any, events_index: EventIndexPage
) -> None:
    event_make(events_index, 1, days=10)
    event_make(events_index, 2, days=-10)
    html = client.get("/").content.decode()
    assert "Upcoming events" in html
    assert '<a href="/events/event-1/">Event 1</a>' in html
    assert "Event 2" not in html


@time_machine.travel(NOW, tick=False)
def test_cached_home_page_is_refreshed_when_an_event_is_published(
    client: Any,
    settings: Any,
    events_index: EventIndexPage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.cache import cache

    settings.COP_GUIDES_PAGE_CACHE = True
    cache.clear()
    assert client.get("/")["X-Cop-Page-Cache"] == "miss"
    assert client.get("/")["X-Cop-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        event_make(events_index, 1, days=10)
    response = client.get("/")
    assert response["X-Cop-Page-Cache"] == "miss"
    assert '<a href="/events/event-1/">Event 1</a>' in response.content.decode()

"""Members follow the guides and the events; their digests list what is new there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cop.guides.models import EventIndexPage, GuideIndexPage, GuidePage, SectionFollow
from discussions.services import digests
from tests.cop.guides.conftest import guide_make
from tests.cop.guides.test_events import event_make, events_index  # noqa: F401
from tests.discussions.digest_helpers import IN_PERIOD, PERIOD_START, SLOT
from tests.discussions.digest_helpers import digest_member as member_make

pytestmark = pytest.mark.django_db

BEFORE = PERIOD_START - timedelta(days=3)


@pytest.fixture
def member(db: Any) -> Any:
    return member_make()


def _follow(user: Any, *sections: str) -> None:
    for section in sections:
        SectionFollow.objects.create(user=user, section=section)


def _digest(user: Any) -> Any:
    return digests.digest_build(user=user, period_start=PERIOD_START, period_end=SLOT)


def _sections(digest: Any) -> dict[str, list[str]]:
    return {s.key: [item.title for item in s.items] for s in digest.sections}


# ----------------------------------------------------------------- following


def test_guide_index_offers_a_one_click_follow_menu(
    client: Any, member: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    # anonymous readers are asked to sign in
    html = client.get("/guides/").content.decode()
    assert "Sign in to follow" in html
    client.force_login(member)
    html = client.get("/guides/").content.decode()
    action = reverse("guides:section_follow", kwargs={"section": "guides"})
    assert f'action="{action}"' in html
    assert "Follow in my digest" in html
    # without JavaScript: the POST redirects back with a message
    response = client.post(action, {"follow": "1", "next": "/guides/"})
    assert response.status_code == 302
    assert response["Location"] == "/guides/"
    assert list(SectionFollow.objects.values_list("user", "section")) == [
        (member.pk, "guides")
    ]
    # with htmx: the menu replaces itself, now "Following"; unfollowing deletes the row
    again = client.post(action, {"follow": "1"}, headers={"HX-Request": "true"})
    assert "Following" in again.content.decode()
    assert SectionFollow.objects.count() == 1  # following twice keeps one row
    client.post(action, {"follow": "0"}, headers={"HX-Request": "true"})
    assert SectionFollow.objects.count() == 0


def test_event_index_offers_the_follow_menu(
    client: Any,
    member: Any,
    events_index: EventIndexPage,  # noqa: F811
) -> None:
    client.force_login(member)
    html = client.get("/events/").content.decode()
    action = reverse("guides:section_follow", kwargs={"section": "events"})
    assert f'action="{action}"' in html
    client.post(action, {"follow": "1", "next": "https://evil.example/"})
    assert SectionFollow.objects.get().section == "events"


def test_account_hub_follows_and_unfollows_the_sections(
    client: Any, member: Any
) -> None:
    client.force_login(member)
    html = client.get(reverse("members:account")).content.decode()
    assert "Guides and events in your digest" in html
    assert "New and updated guides: not followed." in html
    response = client.post(
        reverse("guides:section_follow", kwargs={"section": "events"}),
        {"follow": "1", "next": reverse("members:account")},
        follow=True,
    )
    html = response.content.decode()
    assert "Upcoming events are now in your digest." in html
    assert "Upcoming events: followed." in html
    assert "Stop following upcoming events" in html


def test_follow_refuses_an_unknown_section_and_get(client: Any, member: Any) -> None:
    client.force_login(member)
    url = reverse("guides:section_follow", kwargs={"section": "recipes"})
    assert client.post(url, {"follow": "1"}).status_code == 404
    url = reverse("guides:section_follow", kwargs={"section": "guides"})
    assert client.get(url).status_code == 405
    assert not SectionFollow.objects.exists()


# ----------------------------------------------------------------- the digest


def test_digest_lists_live_public_guides_of_the_period_to_followers(
    member: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    # given: a guide published before the period and updated in it, a new one, a
    # private one, a draft, and a member who follows nothing
    with time_machine.travel(BEFORE, tick=False):
        old = guide_make(guide_index, 1)
        guide_make(guide_index, 5)
    with time_machine.travel(IN_PERIOD, tick=False):
        GuidePage.objects.get(pk=old.pk).save_revision().publish()
        guide_make(guide_index, 2)
        private = guide_make(guide_index, 3)
        PageViewRestriction.objects.create(
            page=private, restriction_type=PageViewRestriction.LOGIN
        )
        draft = guide_make(guide_index, 4)
        draft.unpublish()
    other = member_make()
    _follow(member, "guides")
    # when
    digest = _digest(member)
    # then: the new and the updated guide, newest first, with absolute links only
    (section,) = digest.sections
    assert section.heading == "New and updated guides"
    assert [(i.title, i.note) for i in section.items] == [
        ("Guide 2", "new guide"),
        ("Guide 1", "updated"),
    ]
    assert section.items[0].url == f"{settings.SITE_URL}/guides/guide-2/"
    assert section.more_url == f"{settings.SITE_URL}/guides/"
    assert _digest(other).sections == []


@time_machine.travel(SLOT + timedelta(minutes=5), tick=False)
def test_digest_lists_events_announced_in_the_period_and_not_over(
    member: Any,
    events_index: EventIndexPage,  # noqa: F811
) -> None:
    with time_machine.travel(IN_PERIOD, tick=False):
        event_make(events_index, 1, days=10)  # upcoming
        event_make(events_index, 2, days=-20)  # over before the period ended
    with time_machine.travel(BEFORE, tick=False):
        event_make(events_index, 3, days=12)  # announced earlier
    _follow(member, "events")
    (section,) = _digest(member).sections
    assert section.heading == "Upcoming events"
    assert [i.title for i in section.items] == ["Event 1"]
    assert section.items[0].note == "starts 2026-12-14 10:00 (America/Chicago)"
    assert section.more_url.endswith("/events/")


@time_machine.travel(SLOT + timedelta(minutes=5), tick=False)
def test_digest_is_sent_once_with_the_guides_and_events(
    member: Any,
    reference: None,
    guide_index: GuideIndexPage,
    events_index: EventIndexPage,  # noqa: F811
) -> None:
    with time_machine.travel(IN_PERIOD, tick=False):
        guide_make(guide_index, 1)
        event_make(events_index, 1, days=10)
    _follow(member, "guides", "events")
    for _ in range(2):  # a redelivered task sends nothing twice
        digests.digest_send(
            user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
        )
    (message,) = mail.outbox
    assert "New and updated guides" in message.body
    assert "Guide 1" in message.body
    assert "Upcoming events" in message.body
    assert "Event 1" in message.body
    assert member.email not in message.body.replace(f"To: {member.email}", "")


def test_digest_sections_run_a_fixed_number_of_queries(
    reference: None,
    guide_index: GuideIndexPage,
    events_index: EventIndexPage,  # noqa: F811
) -> None:
    from cop.guides.digest import build_events_section, build_guides_section

    with time_machine.travel(IN_PERIOD, tick=False):
        guide_make(guide_index, 1)
        event_make(events_index, 1, days=10)
    members = [member_make() for _ in range(2)]
    for user in members:
        _follow(user, "guides", "events")

    def run(users: list[Any]) -> int:
        from cop.core.digest import DigestFollows, DigestRequest

        requests = [
            DigestRequest(
                viewer=u,
                period_start=PERIOD_START,
                period_end=SLOT,
                follows=DigestFollows(),
            )
            for u in users
        ]
        build_guides_section(requests=requests, limit=20)  # warm the site cache
        with CaptureQueriesContext(connection) as queries:
            build_guides_section(requests=requests, limit=20)
            build_events_section(requests=requests, limit=20)
        return len(queries)

    few = run(members)
    with time_machine.travel(IN_PERIOD, tick=False):
        for n in range(2, 6):
            guide_make(guide_index, n)
            event_make(events_index, n, days=10 + n)
    more = [member_make() for _ in range(5)]
    for user in more:
        _follow(user, "guides", "events")
    assert run(members + more) == few

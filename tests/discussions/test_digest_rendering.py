"""Digest bodies: the cached frame and sections give exactly the e-mail a full render gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from django.utils import translation

from cop.core.digest import DigestItem, DigestSection
from discussions.services.digests import rendering
from discussions.services.digests.building import Digest
from tests.discussions.digest_helpers import SLOT

START = SLOT - timedelta(days=7)


def _section(key: str, *titles: str, total: int = 0) -> DigestSection:
    items = [
        DigestItem(title, f"https://cop.example/t/{n}/?a=1&b=2", f"by <{title}>")
        for n, title in enumerate(titles)
    ]
    return DigestSection(
        key=key,
        heading=f"Heading {key} & co",
        items=items,
        total=total or len(items),
        more_url="https://cop.example/discussions/",
    )


def _context(
    name: str,
    sections: list[DigestSection],
    spaces: list[tuple[str, str]],
    zone: str = "Europe/Berlin",
) -> dict[str, object]:
    lines = rendering.Lines()
    digest = Digest(period_start=START, period_end=SLOT, sections=sections)
    digest.spaces = spaces
    return {
        "digest": digest,
        "sections": [lines.section(section) for section in sections],
        "period_start_local": START.astimezone(ZoneInfo(zone)),
        "period_end_local": SLOT.astimezone(ZoneInfo(zone)),
        "frequency": "Weekly",
        "index_url": "https://cop.example/discussions/",
        "language_code": "en",
        "site_url": "https://cop.example",
        "unsubscribe_url": f"https://cop.example/unsubscribe/{name[:3]}:tok-en_/",
        "recipient_name": name,
    }


NAMES = [
    "Ada",
    "Bob <b>&\"'",
    # What a placeholder looks like, without the process's secret token.
    "\ue010deadbeef:unsubscribe\ue011 Eve",
    "",
]
SECTION_SETS = [
    [_section("new_topics", "One", "Two <script>")],
    [
        _section("new_topics", "One", "Two <script>"),
        _section("red_flags", "RF", total=7),
    ],
    [_section("accepted_answers", "Three & four")],
]
SPACES = [
    [],
    [("Space & <one>", "https://cop.example/u/s1?x=1&y=2")],
    [("A", "https://cop.example/u/a"), ('B "quoted"', "https://cop.example/u/b")],
]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_cached_bodies_equal_the_full_render_for_every_member(zone):
    bodies = rendering.DigestBodies()
    for name in NAMES:
        for sections in SECTION_SETS:
            for spaces in SPACES:
                context = _context(name, sections, spaces, zone)
                # Twice: the second call is served from both caches.
                for _ in range(2):
                    assert bodies("digest", context) == (
                        rendering.digest_bodies_render("digest", context)
                    )


def test_cached_bodies_escape_the_members_values_in_html_only():
    context = _context("Bob <b>&\"'", SECTION_SETS[1], SPACES[1])
    text, html = rendering.DigestBodies()("digest", context)
    assert "Hello Bob <b>&\"'," in text
    assert "Hello Bob &lt;b&gt;&amp;&quot;&#x27;," in html
    assert "https://cop.example/u/s1?x=1&amp;y=2" in html
    assert "https://cop.example/u/s1?x=1&y=2" in text
    assert "Two &lt;script&gt;" in html
    assert "\ue010" not in text + html


def test_a_forged_placeholder_in_a_name_stays_text():
    context = _context("\ue010deadbeef:unsubscribe\ue011 Eve", SECTION_SETS[0], [])
    text, _html = rendering.DigestBodies()("digest", context)
    assert "Hello \ue010deadbeef:unsubscribe\ue011 Eve," in text


def test_cached_bodies_follow_the_active_language():
    context = _context("Ada", SECTION_SETS[0], [])
    bodies = rendering.DigestBodies()
    english = bodies("digest", context)
    with translation.override("fr"):
        assert bodies("digest", context) == rendering.digest_bodies_render(
            "digest", context
        )
    assert bodies("digest", context) == english


def test_members_of_one_batch_each_get_their_own_name_and_links(db):
    from discussions.services import digests
    from tests.discussions.digest_helpers import IN_PERIOD, digest_member, follow
    from tests.factories import SpaceFactory, TopicFactory

    space = SpaceFactory(visibility="public")
    topic = TopicFactory(space=space)
    type(topic).objects.filter(pk=topic.pk).update(created_at=IN_PERIOD)
    members = [digest_member() for _ in range(3)]
    for n, member in enumerate(members):
        member.display_name = f"Member <{n}>"
        member.save(update_fields=["display_name"])
        follow(member, space=space)
    states = digests.digest_send_batch(
        items=[(m.pk, START, SLOT) for m in members],
        now=datetime(2026, 11, 23, 8, 5, tzinfo=UTC),
    )
    assert set(states.values()) == {"sent"}
    by_address = {message.to[0]: message for message in outbox.outbox}
    for n, member in enumerate(members):
        message = by_address[member.email]
        html = message.alternatives[0][0]
        assert f"Hello Member <{n}>," in message.body
        assert f"Hello Member &lt;{n}&gt;," in html
        assert topic.title in message.body
        link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert link in message.body
        assert "\ue010" not in message.body + html
    others = {member.email for member in members}
    for message in outbox.outbox:
        assert not (others - set(message.to)) & set(message.body.split())

"""Topic rows kept by this process, keyed on everything they show.

A row read from the memo must equal a fresh render, keep each reader's own unread
marker, and change as soon as anything it shows changes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from discussions import services
from discussions.fragments import topics as topic_fragments
from tests.factories import PostFactory, TagFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

LATEST = "/discussions/"


@pytest.fixture(autouse=True)
def _empty_memo() -> Any:
    topic_fragments._memo.rows.clear()
    yield
    topic_fragments._memo.rows.clear()


def _page(user: Any, url: str = LATEST) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return _rows(response.content.decode())


def _rows(html: str) -> str:
    start = html.index('<ol class="topic-list">')
    return html[start : html.index("</ol>", start)]


@pytest.fixture
def topics(spaces: Any, product_a: Any) -> list[Any]:
    tag = TagFactory(name="contracts")
    made = []
    for _ in range(3):
        topic = TopicFactory(space=spaces["public"], product=product_a, with_posts=2)
        topic.tags.add(tag)
        made.append(topic)
    return made


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "moderator"])
def test_rows_from_the_memo_equal_fresh_rows(people, topics, role):
    # given: fresh rows
    fresh = _page(people[role])
    assert topic_fragments._memo.rows
    # when: the memo answers (filled by another reader first)
    topic_fragments._memo.rows.clear()
    _page(people["vendor_rep_a"])
    remembered = _page(people[role])
    # then
    assert remembered == fresh


def test_each_reader_keeps_their_own_unread_marker(spaces, topics):
    # given: a reader with reading history who read the first post of a topic
    reader = UserFactory()
    services.reading_history_set(actor=reader, enabled=True)
    services.read_state_mark(actor=reader, topic=topics[0], last_number=1)
    other = UserFactory()
    # when
    first = _page(other)
    marked = _page(reader)
    again = _page(other)
    # then
    assert "read-marker" not in first
    assert "1 new" in marked
    assert again == first


def test_a_row_changes_at_once_when_what_it_shows_changes(people, moderator, topics):
    # given
    before = _page(people["library_worker"])
    # when: a reply, a new title, a pin
    PostFactory(topic=topics[1], author=UserFactory(display_name="Late Replier"))
    topics[2].title = "Renamed question"
    topics[2].save(update_fields=["title"])
    services.topic_pin(actor=moderator, topic=topics[0])
    after = _page(people["library_worker"])
    # then
    assert "Late Replier" not in before
    assert "Late Replier" in after
    assert "Renamed question" in after
    assert "topic-row--pinned" not in before
    assert "topic-row--pinned" in _page(
        people["library_worker"], "/discussions/s/open/"
    )

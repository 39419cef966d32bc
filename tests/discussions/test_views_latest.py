"""The discussions' front page: "Latest" across spaces and "Top this month"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone

from discussions import services
from discussions.cache import CACHE_HEADER
from discussions.models import HelpfulMark
from discussions.selectors import top_topics
from tests.factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

LATEST = "/discussions/"
TOP = "/discussions/top/"


def _topic(space: Any, title: str, *, days_ago: float = 0, **kwargs: Any) -> Any:
    topic = TopicFactory(space=space, title=title, **kwargs)
    PostFactory(topic=topic)
    topic.last_activity_at = timezone.now() - timedelta(days=days_ago)
    topic.save(update_fields=["last_activity_at"])
    return topic


def _titles(html: str, *titles: str) -> list[str]:
    """Return ``titles`` in the order they appear in ``html`` (absent ones left out)."""
    found = [(html.find(f">{title}</a>"), title) for title in titles]
    return [title for at, title in sorted(found) if at >= 0]


def test_latest_lists_readable_topics_of_every_space_by_activity(client, spaces):
    # given: topics in a public and a members' space, one pinned but older
    _topic(spaces["public"], "Old pinned notice", days_ago=9, pinned_at=timezone.now())
    _topic(spaces["public"], "Fresh licensing question", days_ago=0.1)
    _topic(spaces["members"], "Members only retention", days_ago=0.2)
    _topic(spaces["public"], "Waiting topic", review_state="pending")

    # when
    anonymous = client.get(LATEST).content.decode()
    client.force_login(UserFactory())
    member = client.get(LATEST).content.decode()

    # then: activity order across spaces, pinning ignored, closed spaces left out
    titles = ("Fresh licensing question", "Members only retention", "Old pinned notice")
    assert _titles(anonymous, *titles, "Waiting topic") == [
        "Fresh licensing question",
        "Old pinned notice",
    ]
    assert _titles(member, *titles, "Waiting topic") == list(titles)
    assert "in Open questions" in anonymous
    assert '<a href="/discussions/" aria-current="page">Latest</a>' in anonymous
    assert '<h2 id="front-spaces">Spaces</h2>' in anonymous


def test_latest_marks_new_replies_for_members_with_reading_history(client, spaces):
    # given: a member who read two posts of a topic that now has four
    reader = UserFactory()
    services.reading_history_set(actor=reader, enabled=True)
    topic = TopicFactory(space=spaces["public"], title="Read in part", with_posts=2)
    services.read_state_mark(actor=reader, topic=topic, last_number=2)
    PostFactory.create_batch(2, topic=topic)
    client.force_login(reader)

    # when
    html = client.get(LATEST).content.decode()

    # then
    assert "2 new" in html


def test_latest_for_members_without_reading_history_marks_nothing(client, spaces):
    TopicFactory(space=spaces["public"], with_posts=3)
    client.force_login(UserFactory())
    html = client.get(LATEST).content.decode()
    assert "read-marker" not in html


def test_top_this_month_ranks_by_replies_and_helpful_marks_in_the_window(
    client, spaces
):
    # given
    busy = _topic(spaces["public"], "Busy thread")
    PostFactory.create_batch(3, topic=busy)  # 3 replies
    helpful = _topic(spaces["public"], "Helpful answer")
    answer = PostFactory(topic=helpful)  # 1 reply
    for _ in range(4):
        HelpfulMark.objects.create(post=answer, user=UserFactory())  # + 4 marks
    quiet = _topic(spaces["public"], "Quiet, no replies")
    old = _topic(spaces["public"], "Busy long ago")
    for post in PostFactory.create_batch(5, topic=old):
        post.created_at = timezone.now() - timedelta(days=40)
        post.save(update_fields=["created_at"])
    old.last_activity_at = timezone.now() - timedelta(days=40)
    old.save(update_fields=["last_activity_at"])
    hidden = _topic(spaces["public"], "Replies hidden")
    PostFactory.create_batch(6, topic=hidden, hidden_at=timezone.now())

    # when
    html = client.get(TOP).content.decode()

    # then
    assert _titles(
        html, "Busy thread", "Helpful answer", quiet.title, old.title, hidden.title
    ) == ["Helpful answer", "Busy thread"]
    assert "<title>Top this month · Discussions · " in html
    assert '<a href="/discussions/top/" aria-current="page">Top this month</a>' in html


def test_top_this_month_never_lists_topics_the_viewer_cannot_read(spaces):
    closed = _topic(spaces["members"], "Members only debate")
    PostFactory.create_batch(3, topic=closed)

    assert top_topics(viewer=None) == []
    assert [t.pk for t in top_topics(viewer=UserFactory())] == [closed.pk]


def test_latest_is_cached_for_visitors_and_refreshed_by_a_new_topic(
    client, settings, spaces, library_worker, django_capture_on_commit_callbacks
):
    # given: the page cache on, a page already cached
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    caches["default"].clear()
    _topic(spaces["public"], "First topic")
    assert client.get(LATEST)[CACHE_HEADER] == "miss"
    assert client.get(LATEST)[CACHE_HEADER] == "hit"

    # when: a member starts a topic through the service (versions bumped on commit)
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            actor=library_worker,
            space=spaces["public"],
            title="A brand new topic about logs",
            body="How long do you keep circulation logs?",
            kind="question",
        )

    # then: the next visitor sees it
    response = client.get(LATEST)
    assert response[CACHE_HEADER] == "miss"
    assert "A brand new topic about logs" in response.content.decode()
    caches["default"].clear()

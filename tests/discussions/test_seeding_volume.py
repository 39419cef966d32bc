"""``seed_large_posts``: replies added in bulk to the large topics, counters kept right."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Max

from discussions import selectors
from discussions.models import Post, Topic
from discussions.seeding import LARGE_TOPIC_PREFIX
from discussions.seeding.volume import RARE_EVERY, RARE_WORDS, large_posts_extend
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory


@pytest.fixture
def large_topics(spaces: dict[str, Any]) -> list[Topic]:
    topics = [
        TopicFactory(space=spaces["public"], slug=f"{LARGE_TOPIC_PREFIX}{n:04d}")
        for n in range(1, 5)
    ]
    for topic in topics:
        PostFactory(topic=topic, body="Opening words.")
    return topics


def test_large_posts_extend_reaches_the_total_with_right_counters(
    large_topics: list[Topic],
) -> None:
    # when
    added = large_posts_extend(total=4 + 3 * RARE_EVERY)
    # then: the total is reached, the kept topic is untouched
    assert added == 3 * RARE_EVERY
    assert Post.objects.count() == 4 + 3 * RARE_EVERY
    assert large_topics[0].posts.count() == 1
    for topic in Topic.objects.exclude(pk=large_topics[0].pk).annotate(
        n=Count("posts"), last=Max("posts__number")
    ):
        # numbers have no gaps and the denormalised counters match the rows
        assert topic.post_count == topic.n == topic.last == topic.last_post_number
        assert topic.last_poster_id == topic.posts.get(number=topic.n).author_id
    # every RARE_EVERY-th post carries a rare word
    assert Post.objects.filter(body__contains=RARE_WORDS[0]).count() == 1
    if connection.vendor == "postgresql":  # Wagtail's index skips bulk inserts
        page = selectors.search_topics(viewer=AnonymousUser(), query=RARE_WORDS[1])
        assert page.paginator.count == 1


def test_seed_large_posts_command_is_idempotent(large_topics: list[Topic]) -> None:
    out = io.StringIO()
    call_command("seed_large_posts", posts=30, stdout=out)
    call_command("seed_large_posts", posts=30, stdout=out)
    assert Post.objects.count() == 30
    assert "+26 posts" in out.getvalue()
    assert "+0 posts" in out.getvalue()


def test_large_posts_extend_without_the_large_seed_adds_nothing(db: Any) -> None:
    assert large_posts_extend(total=100) == 0
    assert not Post.objects.exists()

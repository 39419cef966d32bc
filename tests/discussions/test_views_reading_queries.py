"""The space and topic pages run a constant number of queries, whatever their length.

Each case measures the page once with a few rows and once with many, for an
anonymous reader and for a signed-in member, and asserts the same count (and a
small one: these pages' throughput is benchmarked).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussions.models import HelpfulMark
from tests.factories import PostFactory, TagFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

#: Upper bounds, so that a regression that stays constant still shows.
MAX_ANONYMOUS_QUERIES = 6
MAX_MEMBER_QUERIES = 5  # session, member with roles, space or topic, rows, tags


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Measure rendering, not the anonymous page cache."""
    cache.clear()


def _count(client: Client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _clients(people: dict[str, Any]) -> dict[str, Client]:
    member = Client()
    member.force_login(people["library_worker"])
    return {"anonymous": Client(), "library_worker": member}


def _rich_topic(space: Any, product: Any, tags: list[Any], **kwargs: Any) -> Any:
    topic = TopicFactory(space=space, product=product, kind="question", **kwargs)
    topic.tags.add(*tags)
    posts = PostFactory.create_batch(2, topic=topic, author=UserFactory())
    topic.accepted_answer = posts[-1]
    topic.save(update_fields=["accepted_answer"])
    return topic


@pytest.mark.parametrize("role", ["anonymous", "library_worker"])
def test_space_page_query_count_is_constant(
    public_space, people, product_a, django_assert_num_queries, role
):
    # given: 3 topics with tags, product, answers and authors
    tags = [TagFactory(name="contracts"), TagFactory(name="retention")]
    for _ in range(3):
        _rich_topic(public_space, product_a, tags, pinned_at=timezone.now())
    client = _clients(people)[role]
    url = public_space.get_absolute_url()
    few = _count(client, url)
    # when: 37 more (more than a page)
    for _ in range(37):
        _rich_topic(public_space, product_a, tags)
    # then
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200
    limit = MAX_ANONYMOUS_QUERIES if role == "anonymous" else MAX_MEMBER_QUERIES
    assert few <= limit


@pytest.mark.parametrize("role", ["anonymous", "library_worker"])
def test_topic_page_query_count_is_constant(
    public_space,
    people,
    product_a,
    vendor_rep_a,
    vendor_a,
    django_assert_num_queries,
    role,
):
    # given: a question with tags, a product, an accepted answer, official posts
    topic = _rich_topic(public_space, product_a, [TagFactory(name="contracts")])
    PostFactory(topic=topic, author=vendor_rep_a, organisation=vendor_a)
    HelpfulMark.objects.create(post=topic.posts.last(), user=people["library_worker"])
    client = _clients(people)[role]
    few = _count(client, topic.get_absolute_url())
    # when: 57 more posts by different authors, some official, some marked helpful
    for n in range(57):
        post = PostFactory(
            topic=topic,
            author=vendor_rep_a if n % 5 == 0 else UserFactory(),
            organisation=vendor_a if n % 5 == 0 else None,
        )
        if n % 3 == 0 and post.author_id != people["library_worker"].pk:
            HelpfulMark.objects.create(post=post, user=people["library_worker"])
    topic.refresh_from_db()
    # then: page 1 and page 3 (the accepted answer is not on it) cost the same
    cache.clear()
    with django_assert_num_queries(few):
        assert client.get(topic.get_absolute_url()).status_code == 200
    cache.clear()
    with django_assert_num_queries(few + 1):  # the accepted answer, off this page
        assert client.get(f"{topic.get_absolute_url()}?page=3").status_code == 200
    limit = MAX_ANONYMOUS_QUERIES if role == "anonymous" else MAX_MEMBER_QUERIES
    assert few <= limit


@pytest.mark.parametrize("role", ["anonymous", "library_worker"])
@pytest.mark.parametrize("url", ["/discussions/", "/discussions/top/"])
def test_front_page_lists_query_count_is_constant(
    spaces, people, product_a, role, url, django_assert_num_queries
):
    # given: a few rich topics with replies (so that "Top this month" lists them)
    client = _clients(people)[role]
    tags = [TagFactory(), TagFactory()]
    for space in (spaces["public"], spaces["members"]):
        _rich_topic(space, product_a, tags)
    few = _count(client, url)
    # when: many more topics, in several spaces, with replies and marks
    for n in range(12):
        topic = _rich_topic(spaces["public" if n % 2 else "members"], product_a, tags)
        HelpfulMark.objects.create(post=topic.accepted_answer, user=UserFactory())
    cache.clear()
    # then
    with django_assert_num_queries(few):
        response = client.get(url)
    rows = response.content.decode().count('<li class="topic-row')
    assert rows == (7 if role == "anonymous" else 14)  # the members' space is closed
    limit = MAX_ANONYMOUS_QUERIES if role == "anonymous" else MAX_MEMBER_QUERIES
    assert few <= limit

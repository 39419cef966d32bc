"""The reading pages through the HTTP client: spaces, topics, posts, per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    TagFactory,
    TopicFactory,
    UserFactory,
)
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Start each test without anonymous pages cached by an earlier one."""
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: Any, url: str, **params: Any) -> Any:
    return client_for(user).get(url, params)


# ----------------------------------------------------------------- space list


@pytest.mark.parametrize(
    ("role", "seen", "unseen"),
    [
        ("anonymous", {"Open questions"}, {"Members", "Library workers"}),
        (
            "library_worker",
            {"Open questions", "Members", "Library workers"},
            {"Working group"},
        ),
        ("vendor_rep_a", {"Open questions", "Members"}, {"Library workers"}),
        (
            "moderator",
            {"Open questions", "Members", "Library workers", "Working group"},
            set(),
        ),
    ],
)
def test_index_as_role_lists_only_readable_spaces(spaces, people, role, seen, unseen):
    response = get(people[role], reverse("discussions:index"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in seen:
        assert f">{name}</a>" in html
    for name in unseen:
        assert f">{name}</a>" not in html


def test_index_orders_spaces_by_position_and_shows_counts(spaces):
    # given
    spaces["public"].position = 2
    spaces["public"].topic_count = 7
    spaces["public"].last_activity_at = timezone.now()
    spaces["public"].save()
    TopicFactory(space=spaces["public"])
    # when
    html = get(None, reverse("discussions:index")).content.decode()
    # then
    assert "7 topics" in html
    assert "<time datetime=" in html


# ----------------------------------------------------------------- space page


def test_space_page_lists_pinned_first_then_latest_activity(public_space):
    # given
    now = timezone.now()
    old = TopicFactory(
        space=public_space, title="Old one", last_activity_at=now - dt.timedelta(days=9)
    )
    TopicFactory(space=public_space, title="Fresh one", last_activity_at=now)
    old_pinned = TopicFactory(
        space=public_space,
        title="Pinned rules",
        pinned_at=now,
        last_activity_at=now - dt.timedelta(days=30),
    )
    # when
    html = get(None, public_space.get_absolute_url()).content.decode()
    # then
    assert html.index("Pinned rules") < html.index("Fresh one") < html.index("Old one")
    assert old.pk != old_pinned.pk


def test_space_page_shows_type_tags_product_replies_and_marks(public_space, product_a):
    # given
    tag = TagFactory(name="contracts")
    duplicate_target = TopicFactory(space=public_space, title="The original")
    topic = TopicFactory(
        space=public_space,
        kind="question",
        title="Does Stacks keep loan history?",
        product=product_a,
        locked_at=timezone.now(),
        with_posts=3,
    )
    topic.tags.add(tag)
    TopicFactory(space=public_space, title="A copy", duplicate_of=duplicate_target)
    # when
    html = get(None, public_space.get_absolute_url()).content.decode()
    # then
    assert "Licensing question" in html
    assert 'href="/discussions/tags/contracts/"' in html
    assert "Stacks (Vendor A)" in html
    assert "2 replies" in html
    assert "Locked" in html
    assert "Duplicate" in html


def test_space_page_filters_by_kind_and_tag(public_space):
    # given
    tag = TagFactory(name="retention")
    question = TopicFactory(
        space=public_space, kind="question", title="Q about retention"
    )
    question.tags.add(tag)
    TopicFactory(space=public_space, kind="question", title="Q untagged")
    TopicFactory(space=public_space, kind="general", title="General chat")
    url = public_space.get_absolute_url()
    # when
    by_kind = get(None, url, kind="question").content.decode()
    by_tag = get(None, url, tag="retention").content.decode()
    bad = get(None, url, kind="nonsense", tag="no-such-tag")
    # then
    assert "Q untagged" in by_kind
    assert "General chat" not in by_kind
    assert "Q about retention" in by_tag
    assert "Q untagged" not in by_tag
    assert bad.status_code == 200


def test_space_page_paginates_thirty_topics(public_space):
    # given
    now = timezone.now()
    for n in range(31):
        TopicFactory(
            space=public_space,
            title=f"Paged topic {n:02d}",
            last_activity_at=now - dt.timedelta(minutes=n),
        )
    # when
    first = get(None, public_space.get_absolute_url()).content.decode()
    second = get(None, public_space.get_absolute_url(), page=2).content.decode()
    # then
    assert "Paged topic 29" in first
    assert "Paged topic 30" not in first
    assert "Paged topic 30" in second
    assert "Paged topic 00" not in second


@pytest.mark.parametrize(
    ("space_key", "role", "status"),
    [
        ("members", "anonymous", 404),
        ("members", "library_worker", 200),
        ("members", "vendor_rep_a", 200),
        ("library_workers", "anonymous", 404),
        ("library_workers", "library_worker", 200),
        ("library_workers", "vendor_rep_a", 404),
        ("library_workers", "moderator", 200),
        ("working_group", "library_worker", 404),
        ("working_group", "vendor_rep_a", 404),
        ("working_group", "moderator", 200),
    ],
)
def test_space_and_topic_pages_by_visibility_and_role(
    spaces, people, space_key, role, status
):
    # given
    topic = TopicFactory(space=spaces[space_key], title="Private matter", with_posts=1)
    # when
    space_response = get(people[role], spaces[space_key].get_absolute_url())
    topic_response = get(people[role], topic.get_absolute_url())
    # then
    assert space_response.status_code == status
    assert topic_response.status_code == status


def test_working_group_space_readable_by_group_member(spaces, working_group):
    # given
    member = UserFactory()
    member.groups.add(working_group)
    topic = TopicFactory(space=spaces["working_group"], with_posts=1)
    # when / then
    assert get(member, spaces["working_group"].get_absolute_url()).status_code == 200
    assert get(member, topic.get_absolute_url()).status_code == 200


def test_tag_page_lists_tagged_topics_of_readable_spaces_only(spaces, people):
    # given
    tag = TagFactory(name="patron-data")
    public = TopicFactory(space=spaces["public"], title="Public tagged")
    private = TopicFactory(space=spaces["library_workers"], title="Workers tagged")
    TopicFactory(space=spaces["public"], title="Untagged topic")
    public.tags.add(tag)
    private.tags.add(tag)
    url = reverse("discussions:tag", kwargs={"slug": "patron-data"})
    # when
    as_rep = get(people["vendor_rep_a"], url).content.decode()
    as_worker = get(people["library_worker"], url).content.decode()
    # then
    assert "Public tagged" in as_rep
    assert "Workers tagged" not in as_rep
    assert "Workers tagged" in as_worker
    assert "Untagged topic" not in as_worker
    assert (
        get(None, reverse("discussions:tag", kwargs={"slug": "nope"})).status_code
        == 404
    )

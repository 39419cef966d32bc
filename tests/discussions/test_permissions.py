"""The reading rules of the discussions, per role: predicates and their Q twins agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from cop.members import permissions as member_permissions
from cop.members.models import Membership
from discussions import permissions
from discussions.models import Post, Topic
from tests.factories import MembershipFactory, PostFactory, TopicFactory, UserFactory
from tests.roles import ROLES

pytestmark = pytest.mark.django_db

#: Which roles read which space visibility (moderators and admins read all).
SPACE_READERS = {
    "public": set(ROLES),
    "members": set(ROLES) - {"anonymous"},
    "library_workers": {"library_worker", "moderator", "admin"},
    "working_group": {"moderator", "admin"},
}


def _visible_topic_ids(viewer: Any) -> set[int]:
    return set(
        Topic.objects.filter(permissions.visible_topic_q(viewer)).values_list(
            "id", flat=True
        )
    )


@pytest.mark.parametrize("visibility", sorted(SPACE_READERS))
@pytest.mark.parametrize("role", ROLES)
def test_can_read_space_per_role_matches_rule(
    people: dict[str, Any], spaces: dict[str, Any], role: str, visibility: str
) -> None:
    # given
    viewer = people[role]
    space = spaces[visibility]
    topic = TopicFactory(space=space)
    expected = role in SPACE_READERS[visibility]
    # then: the predicate, the Q builder and the accessor agree
    assert permissions.can_read_space(viewer, space) is expected
    assert (topic.pk in _visible_topic_ids(viewer)) is expected
    if expected:
        assert permissions.access_topic(viewer, topic.pk) == topic
    else:
        with pytest.raises(Http404):
            permissions.access_topic(viewer, topic.pk)


def test_working_group_space_readable_by_group_member(
    spaces: dict[str, Any], working_group: Any
) -> None:
    member = UserFactory()
    member.groups.add(working_group)
    topic = TopicFactory(space=spaces["working_group"])
    assert permissions.can_read_space(member, spaces["working_group"])
    assert topic.pk in _visible_topic_ids(member)


def test_library_space_closed_to_vendor_rep_who_also_works_at_a_library(
    spaces: dict[str, Any], vendor_rep_a: Any, library: Any
) -> None:
    # given: a verified vendor representative who also holds a library membership
    MembershipFactory(
        user=vendor_rep_a, organisation=library, role=Membership.Role.MEMBER
    )
    member_permissions.clear_cached_roles(vendor_rep_a)
    topic = TopicFactory(space=spaces["library_workers"])
    # then: "no vendor can read it"
    assert not permissions.can_read_space(vendor_rep_a, spaces["library_workers"])
    assert topic.pk not in _visible_topic_ids(vendor_rep_a)


def test_inactive_member_reads_only_public(spaces: dict[str, Any]) -> None:
    suspended = UserFactory(is_active=False)
    assert permissions.can_read_space(suspended, spaces["public"])
    assert not permissions.can_read_space(suspended, spaces["members"])


@pytest.mark.parametrize("role", ROLES)
def test_pending_topic_visible_to_author_and_moderators_only(
    people: dict[str, Any], public_space: Any, role: str
) -> None:
    # given: a pending topic written by the library worker
    topic = TopicFactory(
        space=public_space, author=people["library_worker"], review_state="pending"
    )
    expected = role in {"library_worker", "moderator", "admin"}
    # then
    assert permissions.can_read_topic(people[role], topic) is expected
    assert (topic.pk in _visible_topic_ids(people[role])) is expected


@pytest.mark.parametrize("role", ROLES)
def test_embargoed_red_flag_visible_to_author_moderators_and_that_vendor(
    people: dict[str, Any], public_space: Any, vendor_a: Any, role: str
) -> None:
    # given: a red flag about vendor A in its response window
    topic = TopicFactory(
        space=public_space,
        author=people["library_worker"],
        kind="red_flag",
        embargo_state="embargoed",
        embargo_vendor=vendor_a,
        embargo_ends_at=timezone.now() + dt.timedelta(days=14),
    )
    expected = role in {"library_worker", "vendor_rep_a", "moderator", "admin"}
    # then: vendor B and anonymous readers cannot see it anywhere
    assert permissions.can_read_topic(people[role], topic) is expected
    assert (topic.pk in _visible_topic_ids(people[role])) is expected


@pytest.mark.parametrize("role", ROLES)
def test_hidden_and_merged_topics_visible_to_moderators_only(
    people: dict[str, Any], public_space: Any, role: str
) -> None:
    hidden = TopicFactory(space=public_space, hidden_at=timezone.now())
    target = TopicFactory(space=public_space)
    merged = TopicFactory(space=public_space, merged_into=target)
    visible = _visible_topic_ids(people[role])
    moderates = role in {"moderator", "admin"}
    assert (hidden.pk in visible) is moderates
    assert permissions.can_read_topic(people[role], hidden) is moderates
    assert merged.pk not in visible
    assert not permissions.can_read_topic(people[role], merged)


@pytest.mark.parametrize("role", ROLES)
def test_post_bodies_pending_hidden_rejected_per_role(
    people: dict[str, Any], public_space: Any, role: str
) -> None:
    # given: the library worker's pending, hidden and rejected posts
    author = people["library_worker"]
    topic = TopicFactory(space=public_space, with_posts=1)
    pending = PostFactory(topic=topic, author=author, review_state="pending")
    hidden = PostFactory(topic=topic, author=author, hidden_at=timezone.now())
    rejected = PostFactory(topic=topic, author=author, review_state="rejected")
    viewer = people[role]
    visible = set(
        Post.objects.filter(permissions.visible_post_q(viewer)).values_list(
            "id", flat=True
        )
    )
    moderates = role in {"moderator", "admin"}
    # then
    assert (pending.pk in visible) is (moderates or role == "library_worker")
    assert (hidden.pk in visible) is (moderates or role == "library_worker")
    assert (rejected.pk in visible) is moderates
    for post in (pending, hidden, rejected):
        assert permissions.can_see_post_body(viewer, post) is (post.pk in visible)


def test_access_topic_rejects_garbage_ids(people: dict[str, Any]) -> None:
    for value in ("abc", None, "1.5", "9" * 30):
        with pytest.raises(Http404):
            permissions.access_topic(people["moderator"], value)


def test_red_flag_raising_closed_to_vendor_reps(people: dict[str, Any]) -> None:
    assert permissions.can_raise_red_flag(people["library_worker"])
    assert not permissions.can_raise_red_flag(people["vendor_rep_a"])
    assert not permissions.can_raise_red_flag(None)


def test_edit_window_ends_for_authors_not_moderators(
    people: dict[str, Any], public_space: Any
) -> None:
    post = PostFactory(
        topic=TopicFactory(space=public_space), author=people["library_worker"]
    )
    later = post.created_at + dt.timedelta(days=permissions.EDIT_WINDOW_DAYS + 1)
    assert permissions.can_edit_post(people["library_worker"], post)
    assert not permissions.can_edit_post(people["library_worker"], post, now=later)
    assert permissions.can_edit_post(people["moderator"], post, now=later)
    assert not permissions.can_edit_post(people["vendor_rep_a"], post)

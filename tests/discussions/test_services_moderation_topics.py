"""Moderation services on topics: lock, pin, move, merge, duplicate, slow mode."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discussions import selectors, services
from discussions.models import ModerationEvent, Post
from tests.factories import PostFactory, TagFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(public_space: Any) -> Any:
    return TopicFactory(space=public_space, with_posts=2)


@pytest.mark.parametrize(
    "service",
    [
        services.topic_lock,
        services.topic_unlock,
        services.topic_pin,
        services.topic_unpin,
    ],
)
@pytest.mark.parametrize("role", ["anonymous", "library_worker", "vendor_rep_a"])
def test_topic_state_services_by_non_moderator_are_denied(
    people: Any, topic: Any, service: Any, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        service(actor=people[role], topic=topic)


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_topic_lock_and_unlock_are_logged_and_idempotent(
    people: Any, topic: Any, role: str
) -> None:
    actor = people[role]
    services.topic_lock(actor=actor, topic=topic, reason="Heated")
    services.topic_lock(actor=actor, topic=topic)
    topic.refresh_from_db()
    assert topic.is_locked
    services.topic_unlock(actor=actor, topic=topic)
    topic.refresh_from_db()
    assert not topic.is_locked
    actions = list(
        ModerationEvent.objects.order_by("id").values_list("action", flat=True)
    )
    assert actions == ["lock", "unlock"]


def test_topic_pin_and_unpin(moderator: Any, topic: Any) -> None:
    services.topic_pin(actor=moderator, topic=topic)
    topic.refresh_from_db()
    assert topic.pinned_at is not None
    services.topic_unpin(actor=moderator, topic=topic)
    topic.refresh_from_db()
    assert topic.pinned_at is None


def test_topic_move_changes_space_and_both_counters(
    moderator: Any, spaces: Any, topic: Any
) -> None:
    # given: counters that include the topic in the public space
    source, destination = spaces["public"], spaces["members"]
    # when
    services.topic_move(
        actor=moderator, topic=topic, space=destination, reason="Members only"
    )
    # then
    topic.refresh_from_db()
    source.refresh_from_db()
    destination.refresh_from_db()
    assert topic.space == destination
    assert (source.topic_count, destination.topic_count) == (0, 1)
    event = ModerationEvent.objects.get(action="move")
    assert event.space == destination
    assert event.extra == {
        "topic_id": topic.pk,
        "from_space_id": source.pk,
        "to_space_id": destination.pk,
    }


def test_topic_move_to_same_space_is_a_form_error(moderator: Any, topic: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.topic_move(actor=moderator, topic=topic, space=topic.space)
    assert "space" in info.value.error_dict


def test_topic_move_by_member_is_denied(
    library_worker: Any, spaces: Any, topic: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.topic_move(actor=library_worker, topic=topic, space=spaces["members"])


def test_topic_merge_appends_renumbered_posts_in_order(
    moderator: Any, public_space: Any, library_worker: Any
) -> None:
    # given: a target with 3 posts and a source with 2, one tag on the source
    target = TopicFactory(space=public_space, with_posts=3)
    source = TopicFactory(space=public_space, with_posts=2)
    source.tags.add(TagFactory(name="contracts"))
    source_ids = list(source.posts.order_by("number").values_list("pk", flat=True))
    # when
    services.topic_merge(actor=moderator, source=source, target=target, reason="Same")
    # then: the source posts follow the target's, in order, with their IDs kept
    numbers = list(
        Post.objects.filter(topic=target).order_by("number").values_list("pk", "number")
    )
    assert [n for _, n in numbers] == [1, 2, 3, 4, 5]
    assert [pk for pk, _ in numbers[3:]] == source_ids
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into == target
    assert source.post_count == 0
    assert (target.post_count, target.last_post_number) == (5, 5)
    assert list(target.tags.values_list("slug", flat=True)) == ["contracts"]
    assert (
        ModerationEvent.objects.get(action="merge").extra["source_topic_id"]
        == source.pk
    )
    # and the source's address leads to the target
    assert (
        selectors.topic_merge_target(viewer=library_worker, topic_id=source.pk)
        == target
    )
    assert (
        selectors.topic_merge_target(viewer=library_worker, topic_id=target.pk) is None
    )


def test_topic_merge_after_gap_numbers_after_the_last_post(
    moderator: Any, public_space: Any
) -> None:
    target = TopicFactory(space=public_space, with_posts=1)
    PostFactory(topic=target, number=7)
    source = TopicFactory(space=public_space, with_posts=1)
    services.topic_merge(actor=moderator, source=source, target=target)
    assert list(target.posts.values_list("number", flat=True)) == [1, 7, 8]


def test_topic_merge_into_itself_is_refused(moderator: Any, topic: Any) -> None:
    with pytest.raises(ValidationError):
        services.topic_merge(actor=moderator, source=topic, target=topic)


def test_topic_merge_by_member_is_denied(
    vendor_rep_a: Any, public_space: Any, topic: Any
) -> None:
    other = TopicFactory(space=public_space, with_posts=1)
    with pytest.raises(PermissionDenied):
        services.topic_merge(actor=vendor_rep_a, source=topic, target=other)
    assert other.posts.count() == 1


def test_topic_close_duplicate_links_and_locks(
    moderator: Any, public_space: Any, topic: Any
) -> None:
    original = TopicFactory(space=public_space, with_posts=1)
    services.topic_close_duplicate(
        actor=moderator, topic=topic, duplicate_of=original, reason="Asked before"
    )
    topic.refresh_from_db()
    assert topic.duplicate_of == original
    assert topic.is_locked
    assert (
        ModerationEvent.objects.get(action="duplicate").extra["duplicate_of_id"]
        == original.pk
    )


def test_topic_close_duplicate_of_itself_is_refused(moderator: Any, topic: Any) -> None:
    with pytest.raises(ValidationError):
        services.topic_close_duplicate(actor=moderator, topic=topic, duplicate_of=topic)


@pytest.mark.parametrize("seconds", [-1, 86_401])
def test_topic_slow_mode_out_of_range_is_refused(
    moderator: Any, topic: Any, seconds: int
) -> None:
    with pytest.raises(ValidationError):
        services.topic_slow_mode_set(actor=moderator, topic=topic, seconds=seconds)


def test_topic_slow_mode_set_and_off(moderator: Any, topic: Any) -> None:
    services.topic_slow_mode_set(actor=moderator, topic=topic, seconds=120)
    topic.refresh_from_db()
    assert topic.slow_mode_seconds == 120
    services.topic_slow_mode_set(actor=moderator, topic=topic, seconds=0)
    topic.refresh_from_db()
    assert topic.slow_mode_seconds == 0
    extras = [e.extra for e in ModerationEvent.objects.order_by("id")]
    assert [(e["seconds"], e["previous"]) for e in extras] == [(120, 0), (0, 120)]


def test_topic_slow_mode_by_member_is_denied(library_worker: Any, topic: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.topic_slow_mode_set(actor=library_worker, topic=topic, seconds=60)


def test_moderation_event_record_defaults_space_to_topic(
    moderator: Any, topic: Any
) -> None:
    event = services.moderation_event_record(
        actor=moderator, action="lock", topic=topic, extra={"topic_id": topic.pk}
    )
    assert event.space_id == topic.space_id
    assert event.actor == moderator

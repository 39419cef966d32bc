"""Moderator actions on topics: review, lock, pin, move, merge, duplicates and slow mode."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import cache, permissions
from discussions.models import ModerationAction, Post, ReviewState, Space, Topic
from discussions.services import notifications, posting

from .common import (
    SLOW_MODE_MAX_SECONDS,
    _changed,
    _locked_topic,
    _opening_post,
    _reason,
    moderation_event_record,
)


@transaction.atomic
def topic_approve(*, actor: Any, topic: Topic, reason: str = "") -> Topic:
    """Approve a pending topic and its opening post; followers and the author are told."""
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    if topic.review_state != ReviewState.PENDING:
        raise ValidationError(_("This topic is not waiting for review."))
    topic.review_state = ReviewState.APPROVED
    topic.save(update_fields=["review_state", "updated_at"])
    opening = _opening_post(topic)
    if opening is not None and opening.review_state == ReviewState.PENDING:
        opening.review_state = ReviewState.APPROVED
        opening.rejection_reason = ""
        opening.save(update_fields=["review_state", "rejection_reason", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.APPROVE,
        topic=topic,
        post=opening,
        subject=topic.author,
        reason=_reason(reason),
        extra={"topic_id": topic.pk},
    )
    if opening is not None:
        opening.topic = topic
        posting.post_publish_effects(post=opening)
        notifications.notify_post_reviewed(post=opening, approved=True)
    _changed(topic)
    return topic


@transaction.atomic
def topic_reject(*, actor: Any, topic: Topic, reason: str) -> Topic:
    """Reject a pending topic (and its opening post) with a reason the author is told."""
    reason = _reason(reason, required=True)
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    if topic.review_state != ReviewState.PENDING:
        raise ValidationError(_("This topic is not waiting for review."))
    topic.review_state = ReviewState.REJECTED
    topic.save(update_fields=["review_state", "updated_at"])
    opening = _opening_post(topic)
    if opening is not None:
        opening.review_state = ReviewState.REJECTED
        opening.rejection_reason = reason
        opening.save(update_fields=["review_state", "rejection_reason", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.REJECT,
        topic=topic,
        post=opening,
        subject=topic.author,
        reason=reason,
        extra={"topic_id": topic.pk},
    )
    if opening is not None:
        opening.topic = topic
        notifications.notify_post_reviewed(post=opening, approved=False, reason=reason)
    _changed(topic, counters=False)
    return topic


def _topic_flag_set(
    *, actor: Any, topic: Topic, field: str, on: bool, action: str, reason: str
) -> Topic:
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    if (getattr(topic, field) is not None) == on:
        return topic  # already in that state: idempotent, nothing logged
    setattr(topic, field, timezone.now() if on else None)
    topic.save(update_fields=[field, "updated_at"])
    moderation_event_record(
        actor=actor,
        action=action,
        topic=topic,
        reason=_reason(reason),
        extra={"topic_id": topic.pk},
    )
    _changed(topic, counters=False)
    return topic


@transaction.atomic
def topic_lock(*, actor: Any, topic: Topic, reason: str = "") -> Topic:
    """Lock ``topic`` against new posts (moderators only; idempotent)."""
    return _topic_flag_set(
        actor=actor,
        topic=topic,
        field="locked_at",
        on=True,
        action=ModerationAction.LOCK,
        reason=reason,
    )


@transaction.atomic
def topic_unlock(*, actor: Any, topic: Topic, reason: str = "") -> Topic:
    """Unlock ``topic`` (moderators only; idempotent)."""
    return _topic_flag_set(
        actor=actor,
        topic=topic,
        field="locked_at",
        on=False,
        action=ModerationAction.UNLOCK,
        reason=reason,
    )


@transaction.atomic
def topic_pin(*, actor: Any, topic: Topic, reason: str = "") -> Topic:
    """Pin ``topic`` to the top of its space (moderators only; idempotent)."""
    return _topic_flag_set(
        actor=actor,
        topic=topic,
        field="pinned_at",
        on=True,
        action=ModerationAction.PIN,
        reason=reason,
    )


@transaction.atomic
def topic_unpin(*, actor: Any, topic: Topic, reason: str = "") -> Topic:
    """Unpin ``topic`` (moderators only; idempotent)."""
    return _topic_flag_set(
        actor=actor,
        topic=topic,
        field="pinned_at",
        on=False,
        action=ModerationAction.UNPIN,
        reason=reason,
    )


@transaction.atomic
def topic_move(*, actor: Any, topic: Topic, space: Space, reason: str = "") -> Topic:
    """Move ``topic`` to another ``space`` (moderators only). Both spaces' pages are purged."""
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    permissions.require_moderator(actor, space)
    if space.pk == topic.space_id:
        raise ValidationError({"space": _("The topic is already in this space.")})
    old_space = topic.space
    topic.space = space
    topic.save(update_fields=["space", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.MOVE,
        topic=topic,
        reason=_reason(reason),
        extra={
            "topic_id": topic.pk,
            "from_space_id": old_space.pk,
            "to_space_id": space.pk,
        },
    )
    posting.space_counters_refresh(space=old_space)
    posting.space_counters_refresh(space=space)
    cache.content_changed(space_id=old_space.pk, topic_id=topic.pk)
    _changed(topic, counters=False)
    return topic


@transaction.atomic
def topic_merge(*, actor: Any, source: Topic, target: Topic, reason: str = "") -> Topic:
    """Append every post of ``source`` to ``target`` and retire ``source``.

    Moderators only. Source posts keep their order and IDs and are renumbered after
    the target's last number; ``source.merged_into`` is set so its URL redirects to
    the target; its tags are added to the target. Returns the target.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("A topic cannot be merged into itself.")})
    # Lock both rows in ID order so two merges cannot deadlock.
    locked = {
        t.pk: t
        for t in Topic.objects.select_for_update()
        .select_related("space")
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    permissions.require_moderator(actor, source.space)
    permissions.require_moderator(actor, target.space)
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(
            {"target": _("One of these topics was already merged away.")}
        )
    start = max(
        target.last_post_number,
        Post.objects.filter(topic=target).aggregate(n=Max("number"))["n"] or 0,
    )
    moved = list(Post.objects.filter(topic=source).order_by("number", "pk"))
    for offset, post in enumerate(moved, start=1):
        post.topic = target
        post.number = start + offset
    Post.objects.bulk_update(moved, ["topic", "number"])
    target.last_post_number = start + len(moved)
    target.save(update_fields=["last_post_number", "updated_at"])
    target.tags.add(*source.tags.all())
    source.merged_into = target
    source.accepted_answer = None
    source.last_post_number = 0
    source.save(
        update_fields=[
            "merged_into",
            "accepted_answer",
            "last_post_number",
            "updated_at",
        ]
    )
    # Topics merged into the source earlier now lead straight to the target.
    Topic.objects.filter(merged_into=source).update(merged_into=target)
    moderation_event_record(
        actor=actor,
        action=ModerationAction.MERGE,
        topic=target,
        reason=_reason(reason),
        extra={
            "source_topic_id": source.pk,
            "target_topic_id": target.pk,
            "source_space_id": source.space_id,
            "posts_moved": len(moved),
        },
    )
    posting.topic_counters_refresh(topic=source)
    posting.space_counters_refresh(space=source.space)
    cache.content_changed(space_id=source.space_id, topic_id=source.pk)
    _changed(target)
    return target


@transaction.atomic
def topic_close_duplicate(
    *, actor: Any, topic: Topic, duplicate_of: Topic, reason: str = ""
) -> Topic:
    """Close ``topic`` as a duplicate of ``duplicate_of`` (it links there and is locked)."""
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    if duplicate_of.pk == topic.pk:
        raise ValidationError({"target": _("A topic cannot be a duplicate of itself.")})
    if duplicate_of.merged_into_id is not None:
        raise ValidationError({"target": _("That topic was merged away.")})
    if not permissions.can_read_topic(actor, duplicate_of):
        raise PermissionDenied
    topic.duplicate_of = duplicate_of
    topic.save(update_fields=["duplicate_of", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.DUPLICATE,
        topic=topic,
        reason=_reason(reason),
        extra={"topic_id": topic.pk, "duplicate_of_id": duplicate_of.pk},
    )
    _changed(topic, counters=False)
    return topic


@transaction.atomic
def topic_slow_mode_set(
    *, actor: Any, topic: Topic, seconds: int, reason: str = ""
) -> Topic:
    """Let each member post in ``topic`` at most once per ``seconds`` (0 turns it off)."""
    topic = _locked_topic(topic)
    permissions.require_moderator(actor, topic.space)
    if not isinstance(seconds, int) or not 0 <= seconds <= SLOW_MODE_MAX_SECONDS:
        raise ValidationError(
            {
                "seconds": _("Choose between 0 (off) and %(max)d seconds.")
                % {"max": SLOW_MODE_MAX_SECONDS}
            }
        )
    previous = topic.slow_mode_seconds
    if previous == seconds:
        return topic
    topic.slow_mode_seconds = seconds
    topic.save(update_fields=["slow_mode_seconds", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.SLOW_MODE,
        topic=topic,
        reason=_reason(reason),
        extra={"topic_id": topic.pk, "seconds": seconds, "previous": previous},
    )
    _changed(topic, counters=False)
    return topic

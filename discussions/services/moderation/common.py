"""The moderation log and what every moderator action shares (limits, locks, reasons)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from cop.members.services import freetext
from discussions import cache
from discussions.models import (
    ModerationAction,
    ModerationEvent,
    Post,
    PostFlag,
    ReviewState,
    Space,
    Topic,
)
from discussions.services import posting

#: Longest slow-mode interval a moderator may set (one day).
SLOW_MODE_MAX_SECONDS = 86_400
REASON_MAX_LENGTH = 2000
FLAG_TEXT_MAX_LENGTH = 1000
HIDDEN_BY_FLAGS = "flags"
HIDDEN_BY_MODERATOR = "moderator"


def flag_hide_threshold() -> int:
    """Return how many distinct members' open flags hide a post (at least 1)."""
    return max(1, int(getattr(settings, "COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD", 3)))


def _reason(value: str | None, *, required: bool = False) -> str:
    return freetext.freetext_clean(
        value, max_length=REASON_MAX_LENGTH, required=required
    )


def _changed(topic: Topic, *, counters: bool = True) -> None:
    """Refresh ``topic``'s counters (when visible posts changed) and purge its pages."""
    if counters:
        posting.topic_counters_refresh(topic=topic)
        posting.space_counters_refresh(space=topic.space)
    cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)


def _locked_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update().select_related("topic__space").get(pk=post.pk)
    )


def _locked_topic(topic: Topic) -> Topic:
    return Topic.objects.select_for_update().select_related("space").get(pk=topic.pk)


def _resolve_open_flags(post: Post, resolution: str) -> int:
    """Close ``post``'s open flags with ``resolution``; return how many were open."""
    resolved = PostFlag.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolution=resolution
    )
    post.open_flag_count = 0
    return resolved


def moderation_event_record(
    *,
    actor: Any,
    action: str,
    space: Space | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
    subject: Any = None,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> ModerationEvent:
    """Write one ``ModerationEvent`` (call it inside the acting service's transaction).

    ``actor`` is ``None`` for automatic actions (auto-hide, embargo release). ``space``
    defaults to the topic's space; leave it ``None`` only for site-wide events
    (suspensions), which the public log shows to everyone. ``extra`` holds IDs only.
    """
    if space is None and topic is not None:
        space = topic.space
    return ModerationEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=ModerationAction(action),
        space=space,
        topic=topic,
        post=post,
        subject=subject if getattr(subject, "pk", None) else None,
        reason=reason,
        extra=extra or {},
    )


def _opening_post(topic: Topic) -> Post | None:
    return Post.objects.select_for_update().filter(topic=topic, number=1).first()


def _is_pending_opening(post: Post) -> bool:
    return post.number == 1 and post.topic.review_state == ReviewState.PENDING

"""One topic's page facts: its tags, why it is closed, what it duplicates.

Every function takes a topic the caller may already show (read through
:mod:`discussions.permissions`); a topic it links to is checked again.
"""

from __future__ import annotations

from typing import Any, cast

from cop.core.prepared import PreparedQuery
from discussions import permissions
from discussions.models import Tag, Topic

__all__ = ["topic_closure_reason", "topic_duplicate_target", "topic_tags"]


def _topic_tags(topic_id: int) -> Any:
    return Tag.objects.filter(topics__id=topic_id)


_TOPIC_TAGS = PreparedQuery(_topic_tags, topic_id=2_101_999_301)


def topic_tags(*, topic: Topic) -> list[Tag]:
    """Return ``topic``'s tags in their usual order (``topic.tags.all()``, compiled once)."""
    prefetched = getattr(topic, "_prefetched_objects_cache", {})
    if "tags" in prefetched:
        return list(prefetched["tags"])
    return cast("list[Tag]", list(_TOPIC_TAGS.all(topic_id=topic.pk)))


def topic_closure_reason(*, topic: Topic) -> str:
    """Return the moderator's public reason for locking or closing ``topic`` ("" if none).

    One query, and only for a locked or duplicate topic. The reason is what the
    public moderation log shows too.
    """
    if not topic.is_locked:
        return ""
    from discussions.models import ModerationAction, ModerationEvent

    action = (
        ModerationAction.DUPLICATE if topic.duplicate_of_id else ModerationAction.LOCK
    )
    reason = (
        ModerationEvent.objects.filter(topic_id=topic.pk, action=action)
        .order_by("-created_at", "-id")
        .values_list("reason", flat=True)
        .first()
    )
    return reason or ""


def topic_duplicate_target(*, viewer: Any, topic: Topic) -> Topic | None:
    """Return the topic ``topic`` duplicates when ``viewer`` may read it, else None."""
    if topic.duplicate_of_id is None:
        return None
    target = (
        Topic.objects.filter(pk=topic.duplicate_of_id).select_related("space").first()
    )
    if target is None or not permissions.can_read_topic(viewer, target):
        return None
    return target

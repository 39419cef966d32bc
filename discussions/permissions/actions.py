"""Who may start, reply, edit, accept, mark and flag; the guards that raise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cop.members import permissions as member_permissions
from discussions.models import Post, ReviewState, Space, Topic, TopicKind

from .reading import can_moderate, can_read_space, can_read_topic, is_active_member

if TYPE_CHECKING:
    from datetime import datetime


#: How long after posting an author may still edit their own post (moderators: always).
EDIT_WINDOW_DAYS = 30


def _participates(user: Any) -> bool:
    # Members who have a pending second factor for an elevated role can still
    # take part as ordinary members; suspended accounts are inactive.
    return is_active_member(user)


def can_create_topic(user: Any, space: Space) -> bool:
    """Return whether ``user`` may start a topic in ``space``."""
    return (
        _participates(user)
        and space.archived_at is None
        and can_read_space(user, space)
    )


def can_raise_red_flag(user: Any) -> bool:
    """Return whether ``user`` may start a red flag topic (not vendor representatives)."""
    return _participates(user) and not member_permissions.is_verified_vendor_rep(user)


def can_reply(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may post in ``topic`` (read access, not locked or archived)."""
    if not _participates(user) or not can_read_topic(user, topic):
        return False
    if can_moderate(user):
        return True
    if topic.review_state != ReviewState.APPROVED or topic.is_locked:
        return False
    return topic.space.archived_at is None


def can_post_officially(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` posts in ``topic`` as a verified representative of a vendor."""
    return member_permissions.is_verified_vendor_rep(user)


def can_respond_as_vendor(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may give the vendor's response to red flag ``topic``."""
    if topic.kind != TopicKind.RED_FLAG or topic.product_id is None:
        return False
    vendor_id = topic.embargo_vendor_id
    if not vendor_id:
        product = topic.product
        vendor_id = product.organisation_id if product is not None else None
    return member_permissions.is_verified_vendor_rep(
        user, vendor_id
    ) and can_read_topic(user, topic)


def can_edit_post(user: Any, post: Post, *, now: datetime | None = None) -> bool:
    """Return whether ``user`` may edit ``post`` (its author within the window, or a moderator)."""
    if can_moderate(user):
        return True
    if not _participates(user) or post.author_id != user.pk:
        return False
    if post.review_state == ReviewState.REJECTED or post.hidden_at is not None:
        return False
    if post.topic.locked_at is not None:
        return False
    now = now or timezone.now()
    return (now - post.created_at).days < EDIT_WINDOW_DAYS


def can_edit_topic(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may change ``topic``'s tags (its author while open, or a moderator)."""
    if can_moderate(user):
        return True
    if not _participates(user) or topic.author_id != user.pk:
        return False
    return (
        topic.review_state != ReviewState.REJECTED
        and topic.hidden_at is None
        and not topic.is_locked
    )


def can_accept_answer(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may mark the accepted answer of question ``topic``."""
    if topic.kind != TopicKind.QUESTION:
        return False
    if can_moderate(user):
        return True
    return _participates(user) and topic.author_id == user.pk


def can_mark_helpful(user: Any, post: Post) -> bool:
    """Return whether ``user`` may mark ``post`` helpful (any member but its author)."""
    return _participates(user) and post.author_id != user.pk and post.is_visible_to_all


def can_flag_post(user: Any, post: Post) -> bool:
    """Return whether ``user`` may flag ``post`` (any member but its author; shown posts only)."""
    return (
        _participates(user)
        and post.author_id != user.pk
        and post.review_state == ReviewState.APPROVED
        and post.hidden_at is None
    )


# ----------------------------------------------------------------- guards


def require(allowed: bool) -> None:
    """Raise ``PermissionDenied`` unless ``allowed`` (the result of a predicate here)."""
    if not allowed:
        raise PermissionDenied


def require_moderator(user: Any, space: Space | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` moderates ``space``."""
    require(can_moderate(user, space))

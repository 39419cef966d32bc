"""Moderator actions on posts: review, hide, restore, edit, and suspending an author."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.members.services import freetext
from discussions import permissions
from discussions.models import ModerationAction, Post, PostFlag, ReviewState
from discussions.services import notifications, posting

from .common import (
    HIDDEN_BY_FLAGS,
    HIDDEN_BY_MODERATOR,
    _changed,
    _is_pending_opening,
    _locked_post,
    _reason,
    _resolve_open_flags,
    moderation_event_record,
)
from .topics import topic_approve, topic_reject


@transaction.atomic
def post_approve(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Approve a pending post: it becomes visible, counters and followers are updated.

    Moderators only. The opening post of a pending topic approves the whole topic.
    The author is told. Raises ``ValidationError`` if the post is not pending.
    """
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
    if _is_pending_opening(post):
        topic_approve(actor=actor, topic=post.topic, reason=reason)
        post.refresh_from_db()
        return post
    if post.review_state != ReviewState.PENDING:
        raise ValidationError(_("This post is not waiting for review."))
    post.review_state = ReviewState.APPROVED
    post.rejection_reason = ""
    post.save(update_fields=["review_state", "rejection_reason", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.APPROVE,
        topic=post.topic,
        post=post,
        subject=post.author,
        reason=_reason(reason),
        extra={"post_id": post.pk},
    )
    posting.post_publish_effects(post=post)
    notifications.notify_post_reviewed(post=post, approved=True)
    _changed(post.topic)
    return post


@transaction.atomic
def post_reject(*, actor: Any, post: Post, reason: str) -> Post:
    """Reject a pending post with a reason the author is told (moderators only).

    The opening post of a pending topic rejects the whole topic. The post stays in
    the database (``review_state="rejected"``) and is shown to no one but moderators.
    """
    reason = _reason(reason, required=True)
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
    if _is_pending_opening(post):
        topic_reject(actor=actor, topic=post.topic, reason=reason)
        post.refresh_from_db()
        return post
    if post.review_state != ReviewState.PENDING:
        raise ValidationError(_("This post is not waiting for review."))
    post.review_state = ReviewState.REJECTED
    post.rejection_reason = reason
    post.save(update_fields=["review_state", "rejection_reason", "updated_at"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.REJECT,
        topic=post.topic,
        post=post,
        subject=post.author,
        reason=reason,
        extra={"post_id": post.pk},
    )
    notifications.notify_post_reviewed(post=post, approved=False, reason=reason)
    _changed(post.topic, counters=False)
    return post


@transaction.atomic
def post_hide(*, actor: Any, post: Post, reason: str) -> Post:
    """Hide ``post`` from readers (its author and moderators still see it, marked).

    Moderators only. Open flags are closed as upheld. Raises ``ValidationError`` if
    the post is already hidden by a moderator.
    """
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
    # The public log shows why a post went: a hidden post always has a reason.
    reason = _reason(reason, required=True)
    if post.hidden_at is not None and post.hidden_reason == HIDDEN_BY_MODERATOR:
        raise ValidationError(_("This post is already hidden."))
    flags = _resolve_open_flags(post, PostFlag.Resolution.UPHELD)
    post.hidden_at = post.hidden_at or timezone.now()
    post.hidden_reason = HIDDEN_BY_MODERATOR
    post.save(update_fields=["hidden_at", "hidden_reason", "open_flag_count"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.HIDE,
        topic=post.topic,
        post=post,
        subject=post.author,
        reason=reason,
        extra={"post_id": post.pk, "flags_upheld": flags},
    )
    _changed(post.topic)
    return post


@transaction.atomic
def post_restore(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Show a hidden post again and dismiss its open flags (moderators only).

    On a visible post with open flags it only dismisses the flags (event
    ``dismiss_flags``). Raises ``ValidationError`` when there is nothing to restore.
    """
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
    was_hidden = post.hidden_at is not None
    flags = _resolve_open_flags(post, PostFlag.Resolution.DISMISSED)
    if not was_hidden and not flags:
        raise ValidationError(_("This post is neither hidden nor flagged."))
    post.hidden_at = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_reason", "open_flag_count"])
    moderation_event_record(
        actor=actor,
        action=ModerationAction.RESTORE
        if was_hidden
        else ModerationAction.DISMISS_FLAGS,
        topic=post.topic,
        post=post,
        subject=post.author,
        reason=_reason(reason),
        extra={"post_id": post.pk, "flags_dismissed": flags},
    )
    _changed(post.topic, counters=was_hidden)
    return post


@transaction.atomic
def post_moderator_edit(*, actor: Any, post: Post, body: str, note: str) -> Post:
    """Edit ``post`` as a moderator with a note; the previous body stays in its history.

    Moderators only; ``note`` is required and shown in the edit history. Open flags
    are closed as upheld, and a post hidden only by flags is shown again (the edit
    removed what was flagged); a post hidden by a moderator stays hidden.
    """
    note = freetext.freetext_clean(note, max_length=300, required=True)
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
    post = posting.post_edit(actor=actor, post=post, body=body, note=note)
    flags = _resolve_open_flags(post, PostFlag.Resolution.UPHELD)
    fields = ["open_flag_count"]
    if post.hidden_reason == HIDDEN_BY_FLAGS:
        post.hidden_at = None
        post.hidden_reason = ""
        fields += ["hidden_at", "hidden_reason"]
    post.save(update_fields=fields)
    moderation_event_record(
        actor=actor,
        action=ModerationAction.EDIT,
        topic=post.topic,
        post=post,
        subject=post.author,
        reason=note,
        extra={"post_id": post.pk, "flags_upheld": flags},
    )
    _changed(post.topic)
    return post


@transaction.atomic
def member_suspend_from_post(*, actor: Any, post: Post, reason: str) -> Any:
    """Suspend the author of ``post`` (delegates to ``cop.members`` ``member_suspend``).

    Moderators only, and ``cop.members.permissions.can_suspend`` decides whom (not
    oneself, an admin, or a moderator unless the actor is an admin). Logged as a
    site-wide ``suspend`` event (no space), which the public log shows without names.
    Returns the ``Suspension``.
    """
    from cop.members.services import member_suspend

    reason = _reason(reason, required=True)
    permissions.require_moderator(actor, post.topic.space)
    if post.author_id is None:
        raise ValidationError(_("This post has no author account to suspend."))
    suspension = member_suspend(actor=actor, user=post.author, reason=reason)
    moderation_event_record(
        actor=actor,
        action=ModerationAction.SUSPEND,
        space=None,
        subject=post.author,
        reason=reason,
        extra={"post_id": post.pk, "suspension_id": suspension.pk},
    )
    return suspension

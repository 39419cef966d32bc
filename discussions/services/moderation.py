"""Member flags, auto-hide and every moderator action, each audited.

Every moderator action checks ``discussions.permissions``, writes one
``ModerationEvent`` inside its transaction (IDs only in ``extra``), refreshes the
denormalised counters where visible content changes and calls
``discussions.cache.content_changed`` (which purges after commit). Authors are told
about reviews through ``notifications.notify_post_reviewed``; flaggers are never
named to anyone but moderators.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.members.services import freetext
from discussions import cache, permissions
from discussions.models import (
    FlagReason,
    ModerationAction,
    ModerationEvent,
    Post,
    PostFlag,
    ReviewState,
    Space,
    Topic,
)
from discussions.services import notifications, posting

__all__ = [
    "SLOW_MODE_MAX_SECONDS",
    "flag_hide_threshold",
    "member_suspend_from_post",
    "moderation_event_record",
    "post_approve",
    "post_flag",
    "post_hide",
    "post_moderator_edit",
    "post_reject",
    "post_restore",
    "topic_approve",
    "topic_close_duplicate",
    "topic_lock",
    "topic_merge",
    "topic_move",
    "topic_pin",
    "topic_reject",
    "topic_slow_mode_set",
    "topic_unlock",
    "topic_unpin",
]

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


# ----------------------------------------------------------------- the log


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


# ----------------------------------------------------------------- flags


@transaction.atomic
def post_flag(*, actor: Any, post: Post, reason: str, text: str = "") -> PostFlag:
    """Flag ``post`` for moderators with a ``FlagReason`` (``other`` needs ``text``).

    Any member but the author may flag a post they can read, once. A second flag by
    the same member raises ``ValidationError`` (code ``already_flagged``). When open
    flags from ``COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD`` distinct members are reached,
    the post is hidden (``hidden_reason="flags"``) until a moderator reviews it, and an
    ``auto_hide`` event is logged without naming anyone. The author is not told.
    """
    post = _locked_post(post)
    permissions.require(
        permissions.can_read_topic(actor, post.topic)
        and permissions.can_flag_post(actor, post)
    )
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Please choose a reason.")})
    try:
        text = freetext.freetext_clean(
            text,
            max_length=FLAG_TEXT_MAX_LENGTH,
            required=reason == FlagReason.OTHER,
        )
    except ValidationError as exc:
        if exc.code == "required":
            exc = ValidationError(
                _("Please say what is wrong with this post."), code="required"
            )
        raise ValidationError({"text": exc}) from None
    already = ValidationError(
        _("You have already flagged this post; moderators will review it."),
        code="already_flagged",
    )
    if PostFlag.objects.filter(post=post, flagger=actor).exists():
        raise already
    try:
        with transaction.atomic():
            flag = PostFlag.objects.create(
                post=post, flagger=actor, reason=reason, text=text
            )
    except IntegrityError:  # a concurrent double submit
        raise already from None
    post.open_flag_count = (
        PostFlag.objects.filter(
            post=post, resolved_at__isnull=True, flagger__isnull=False
        )
        .values("flagger")
        .distinct()
        .count()
    )
    fields = ["open_flag_count"]
    hides = post.hidden_at is None and post.open_flag_count >= flag_hide_threshold()
    if hides:
        post.hidden_at = timezone.now()
        post.hidden_reason = HIDDEN_BY_FLAGS
        fields += ["hidden_at", "hidden_reason"]
    post.save(update_fields=fields)
    if hides:
        moderation_event_record(
            actor=None,
            action=ModerationAction.AUTO_HIDE,
            topic=post.topic,
            post=post,
            subject=post.author,
            extra={"post_id": post.pk, "open_flags": post.open_flag_count},
        )
        _changed(post.topic)
    return flag


# ----------------------------------------------------------------- posts


def _opening_post(topic: Topic) -> Post | None:
    return Post.objects.select_for_update().filter(topic=topic, number=1).first()


def _is_pending_opening(post: Post) -> bool:
    return post.number == 1 and post.topic.review_state == ReviewState.PENDING


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
def post_hide(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Hide ``post`` from readers (its author and moderators still see it, marked).

    Moderators only. Open flags are closed as upheld. Raises ``ValidationError`` if
    the post is already hidden by a moderator.
    """
    post = _locked_post(post)
    permissions.require_moderator(actor, post.topic.space)
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
        reason=_reason(reason),
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


# ----------------------------------------------------------------- topics


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

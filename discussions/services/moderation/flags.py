"""Member flags and the auto-hide they trigger."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.members.services import freetext
from discussions import permissions
from discussions.models import FlagReason, ModerationAction, Post, PostFlag

from .common import (
    FLAG_TEXT_MAX_LENGTH,
    HIDDEN_BY_FLAGS,
    _changed,
    _locked_post,
    flag_hide_threshold,
    moderation_event_record,
)


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

"""Coordinated red flags: vendor response, release by moderator or by the window's end.

A red flag about a product starts in the vendor's response window
(``embargo_state=embargoed``, set by ``posting.topic_create``). While it lasts only
the flag's author, moderators and the vendor's verified representatives can see it
(``discussions.permissions``). A representative answers with
:func:`red_flag_respond`; :func:`red_flag_release` publishes the flag and the
response together, either when a moderator decides or, through
:func:`red_flags_release_due` (run by the beat job), when the window ends.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import cache, permissions
from discussions.models import (
    EmbargoState,
    ModerationAction,
    Post,
    Topic,
)

if TYPE_CHECKING:
    from vendors.models import RoadmapItem

__all__ = [
    "RELEASE_BATCH_SIZE",
    "red_flag_release",
    "red_flag_respond",
    "red_flags_release_due",
]

#: Red flags released per run of the beat job. Each release writes a handful of rows
#: and notification outbox entries; 200 keeps one run well under a minute even on a
#: small database, and the job re-enqueues itself when a batch was full.
RELEASE_BATCH_SIZE = 200

#: The reason recorded when the window's end releases a red flag.
WINDOW_ENDED_REASON = "The vendor's response window ended."


def _vendor_id(topic: Topic) -> int | None:
    if topic.embargo_vendor_id is not None:
        return topic.embargo_vendor_id
    product = topic.product if topic.product_id else None
    return product.organisation_id if product is not None else None


def _check_roadmap_item(topic: Topic, roadmap_item: RoadmapItem | None) -> None:
    if roadmap_item is None:
        return
    if (
        roadmap_item.product_id != topic.product_id
        or roadmap_item.product.organisation_id != _vendor_id(topic)
    ):
        raise ValidationError(
            {
                "roadmap_item": _(
                    "Choose one of your roadmap items for the product this red flag is about."
                )
            }
        )


@transaction.atomic
def red_flag_respond(
    *,
    actor: Any,
    topic: Topic,
    body: str,
    roadmap_item: RoadmapItem | None = None,
) -> Post:
    """Post the vendor's official response to red flag ``topic``.

    Only verified representatives of the vendor whose product the flag is about may
    respond; ``roadmap_item`` must be one of that vendor's items for the product and
    becomes the topic's linked roadmap item. Raises ``PermissionDenied`` or
    ``ValidationError``.
    """
    from discussions.services import posting

    permissions.require(permissions.can_respond_as_vendor(actor, topic))
    _check_roadmap_item(topic, roadmap_item)
    post = posting.post_create(
        actor=actor,
        topic=topic,
        body=body,
        roadmap_item=roadmap_item,
        is_vendor_response=True,
    )
    vendor_id = _vendor_id(topic)
    changed = []
    if not post.is_vendor_response:
        post.is_vendor_response = True
        changed.append("is_vendor_response")
    if post.organisation_id != vendor_id:
        post.organisation_id = vendor_id
        changed.append("organisation")
    if roadmap_item is not None and post.roadmap_item_id != roadmap_item.pk:
        post.roadmap_item = roadmap_item
        changed.append("roadmap_item")
    if changed:
        post.save(update_fields=changed)
    if roadmap_item is not None and topic.roadmap_item_id != roadmap_item.pk:
        topic.roadmap_item = roadmap_item
        topic.save(update_fields=["roadmap_item", "updated_at"])
    cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return post


@transaction.atomic
def red_flag_release(*, topic: Topic, actor: Any = None, reason: str = "") -> Topic:
    """Publish red flag ``topic`` and the vendor's response now.

    With an ``actor`` this is a moderator's decision and needs a ``reason``; without
    one it is the window's end (the beat job). Records a ``release`` moderation
    event, tells followers (``notify_red_flag_released``) and invalidates cached
    pages. Releasing a flag that is not embargoed (any more) changes nothing, so a
    repeated call is harmless.
    """
    reason = (reason or "").strip()
    if actor is not None:
        permissions.require_moderator(actor, topic.space)
        if not reason:
            raise ValidationError({"reason": _("Say why you publish it early.")})
    _release(topic=topic, actor=actor, reason=reason)
    return topic


def _release(*, topic: Topic, actor: Any, reason: str) -> bool:
    """Release ``topic`` if it is still embargoed (row locked); return whether it was."""
    from discussions.services import posting
    from discussions.services.notifications import notify_red_flag_released

    locked = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("space")
        .filter(pk=topic.pk)
        .first()
    )
    if locked is None or locked.embargo_state != EmbargoState.EMBARGOED:
        if locked is not None:
            topic.embargo_state = locked.embargo_state
            topic.released_at = locked.released_at
        return False
    now = timezone.now()
    locked.embargo_state = EmbargoState.RELEASED
    locked.released_at = now
    locked.save(update_fields=["embargo_state", "released_at", "updated_at"])
    topic.embargo_state, topic.released_at = locked.embargo_state, now
    _record_release(topic=locked, actor=actor, reason=reason or WINDOW_ENDED_REASON)
    posting.space_counters_refresh(space=locked.space)
    notify_red_flag_released(topic=locked)
    cache.content_changed(space_id=locked.space_id, topic_id=locked.pk)
    return True


def _record_release(*, topic: Topic, actor: Any, reason: str) -> None:
    # Imported here: the moderation services import this module's package.
    from discussions.services.moderation import moderation_event_record

    moderation_event_record(
        actor=actor,
        action=ModerationAction.RELEASE,
        space=topic.space,
        topic=topic,
        reason=reason,
        extra={"automatic": actor is None},
    )


def red_flags_release_due(
    *, now: datetime | None = None, limit: int = RELEASE_BATCH_SIZE
) -> int:
    """Release up to ``limit`` red flags whose window has ended; return how many.

    Idempotent: a flag already released is skipped, so running it twice (or a
    redelivered task) releases nothing more.
    """
    now = now or timezone.now()
    due = list(
        Topic.objects.filter(
            embargo_state=EmbargoState.EMBARGOED, embargo_ends_at__lte=now
        )
        .select_related("space")
        .order_by("embargo_ends_at", "pk")[:limit]
    )
    released = 0
    for topic in due:
        with transaction.atomic():
            released += _release(topic=topic, actor=None, reason="")
    return released

"""The ``notify_*`` hooks the posting, moderation, red-flag and vendor services call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from discussions.models import (
    EmailState,
    Notification,
    NotificationEvent,
    NotificationKind,
    Post,
    Topic,
)

from .fanout import notification_event_record
from .outbox import (
    _add,
    _product_targets_q,
    _topic_targets_q,
    _watch_by_default,
    _watchers_and_muted,
    _write,
)

if TYPE_CHECKING:
    from cop.guides.hooks import ReviewDue
    from vendors.models import DisclosureVersion, RoadmapStatusChange


def notify_post_published(*, post: Post) -> None:
    """Tell watchers, the topic's followers and mentioned members about a visible new post.

    Called inside the posting (or approving) transaction when a post becomes visible:
    at creation when no review is needed, or when a moderator approves it. The post's
    author starts watching the topic unless they chose a level for it. Writes one
    :class:`NotificationEvent`; a task expands it after commit, in batches
    (:func:`fanout.notification_event_fan_out`), into notifications for: mentioned
    members, the topic's author, a quoted post's author, everyone watching the
    topic, its space, a tag, its product or vendor (an opening post counts as a new
    topic), the flag's author for a vendor representative's response on a red flag,
    and the verified representatives of the vendor concerned for a new red flag in
    its response window. Two queries whatever the number of watchers; idempotent.
    """
    _watch_by_default(user_id=post.author_id, topic=post.topic)
    notification_event_record(post=post)


def notify_answer_accepted(*, topic: Topic, post: Post, actor: Any) -> None:
    """Tell the answer's author that it was accepted (not if they accepted it themselves)."""
    _watchers, muted = _watchers_and_muted(_topic_targets_q(topic))
    wanted: dict[int, str] = {}
    if post.author_id is not None and post.author_id not in muted:
        wanted[post.author_id] = NotificationKind.ANSWER_ACCEPTED
    _write(
        wanted=wanted,
        actor_id=getattr(actor, "pk", None),
        topic=topic,
        post=post,
    )


def notify_post_reviewed(*, post: Post, approved: bool, reason: str = "") -> None:
    """Tell a post's author that a moderator approved or rejected it.

    The reason stays on the post (``rejection_reason``); the notification holds IDs
    only. Not filtered by topic visibility: the author is told about their own post
    even when its topic was rejected with it.
    """
    if post.author_id is None:
        return
    kind = (
        NotificationKind.POST_APPROVED if approved else NotificationKind.POST_REJECTED
    )
    _write(
        wanted={post.author_id: kind},
        topic=post.topic,
        post=post,
        check_visibility=False,
    )


def notify_red_flag_released(*, topic: Topic) -> None:
    """Tell the flag's author and everyone watching it, its space, tags, product or vendor.

    Called when the embargo ends (inside the release transaction). Records one
    event on the opening post (unique per post and kind, so a repeated release
    notifies no one twice); a task writes the notifications after commit, in
    batches, as for a new post (:func:`fanout.notification_event_fan_out`).
    """
    opening = Post.objects.filter(topic=topic, number=1).first()
    if opening is not None:
        notification_event_record(
            post=opening, kind=NotificationEvent.Kind.RED_FLAG_RELEASED
        )
        return
    # A flag without its opening post: nothing to point at but the topic itself.
    watching, muted = _watchers_and_muted(_topic_targets_q(topic))
    wanted: dict[int, str] = {}
    _add(wanted, [*watching, topic.author_id], NotificationKind.RED_FLAG_PUBLISHED)
    for user_id in muted:
        wanted.pop(user_id, None)
    _write(wanted=wanted, topic=topic, product_id=topic.product_id)


def notify_disclosure_published(*, version: DisclosureVersion) -> None:
    """Tell members watching a product or its vendor that its disclosure changed.

    Called (through a ``post_save`` receiver) when a ``DisclosureVersion`` is
    created. Disclosures are public, so no visibility filter applies.
    """
    watching, _muted = _watchers_and_muted(_product_targets_q(version.product_id))
    _write(
        wanted=dict.fromkeys(watching, NotificationKind.DISCLOSURE_CHANGED),
        actor_id=version.published_by_id,
        product_id=version.product_id,
        data={"version": version.number},
    )


def notify_roadmap_status_changed(*, change: RoadmapStatusChange) -> None:
    """Tell members watching a product or its vendor that a roadmap item changed status.

    Called (through a ``post_save`` receiver) when a ``RoadmapStatusChange`` is
    created. Roadmaps are public, so no visibility filter applies.
    """
    from vendors.models import RoadmapItem

    product_id = (
        RoadmapItem.objects.filter(pk=change.item_id)
        .values_list("product_id", flat=True)
        .first()
    )
    if product_id is None:
        return
    watching, _muted = _watchers_and_muted(_product_targets_q(product_id))
    _write(
        wanted=dict.fromkeys(watching, NotificationKind.ROADMAP_CHANGED),
        actor_id=change.changed_by_id,
        product_id=product_id,
        data={
            "item": change.item_id,
            "from": change.from_status,
            "to": change.to_status,
        },
    )


def notify_guides_due_for_review(
    *, due: Sequence[ReviewDue], user_ids: Sequence[int]
) -> int:
    """Tell the moderators ``user_ids``, on the site, that guides are due for review.

    Called by ``cop.guides`` once per guide and review period, inside the
    transaction that marks the period notified (so at most one notification per
    moderator, guide and period). No e-mail: the review reminder e-mail already
    lists the guides. ``data`` holds the guide's ID and the day it became due.
    Two queries, whatever the number of guides and moderators.
    """
    if not due or not user_ids:
        return 0
    active = list(
        get_user_model()
        .objects.filter(pk__in=sorted(user_ids), is_active=True)
        .values_list("pk", flat=True)
    )
    rows = [
        Notification(
            user_id=user_id,
            kind=NotificationKind.GUIDE_REVIEW_DUE,
            data={"guide": item.guide_id, "due_on": item.due_on.isoformat()},
            email_state=EmailState.NONE,
        )
        for item in due
        for user_id in active
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)

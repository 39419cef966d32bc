"""Write notification rows (the outbox) for the members who should hear of something."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from discussions import permissions
from discussions.models import (
    DiscussionSettings,
    EmailState,
    FollowLevel,
    Notification,
    NotificationKind,
    Post,
    Subscription,
    Topic,
)

from .emails import SWEEP_MIN_AGE

logger = logging.getLogger(__name__)

# The stronger kind wins when one member has several reasons to hear of one post.
_KIND_RANK: dict[str, int] = {
    NotificationKind.RED_FLAG_RAISED: 0,
    NotificationKind.VENDOR_RESPONSE: 0,
    NotificationKind.MENTION: 1,
    NotificationKind.REPLY: 2,
}


# ----------------------------------------------------------------- follow levels


def _topic_targets_q(topic: Topic) -> Q:
    """Return the ``Subscription`` rows that concern ``topic`` (one query, subqueries)."""
    from vendors.models import Product

    tag_ids = Topic.tags.through.objects.filter(topic_id=topic.pk).values("tag_id")
    q = Q(topic_id=topic.pk) | Q(space_id=topic.space_id) | Q(tag_id__in=tag_ids)
    if topic.product_id is not None:
        q |= Q(product_id=topic.product_id) | Q(
            organisation_id__in=Product.objects.filter(pk=topic.product_id).values(
                "organisation_id"
            )
        )
    return q


def _product_targets_q(product_id: int) -> Q:
    from vendors.models import Product

    return Q(product_id=product_id) | Q(
        organisation_id__in=Product.objects.filter(pk=product_id).values(
            "organisation_id"
        )
    )


def _watchers_and_muted(targets: Q) -> tuple[set[int], set[int]]:
    """Return (watching, muted) user IDs over the subscriptions matching ``targets``."""
    watching: set[int] = set()
    muted: set[int] = set()
    for user_id, level in Subscription.objects.filter(targets).values_list(
        "user_id", "level"
    ):
        if level == FollowLevel.MUTED:
            muted.add(user_id)
        elif level == FollowLevel.WATCHING:
            watching.add(user_id)
    return watching - muted, muted


# ----------------------------------------------------------------- the outbox writer


def _enqueue_emails(notification_ids: list[int]) -> None:
    """Hand pending e-mails to the broker (an on_commit callback: never raises).

    If the broker is unreachable the rows stay ``pending`` and the sweeper sends them
    later; a failure here must never turn a saved post into an error page.
    """
    from discussions.tasks.notifications import send_notification_email_task

    for notification_id in notification_ids:
        try:
            send_notification_email_task.delay(notification_id)
        # Any enqueue failure (kombu OperationalError, redis errors, OSError, or an
        # eager-mode error in tests) leaves the row pending for the sweeper.
        except Exception:
            logger.warning(
                "Could not enqueue notification e-mail %s; the sweeper will retry",
                notification_id,
                exc_info=True,
            )
            return


def _write(
    *,
    wanted: dict[int, str],
    actor_id: int | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
    product_id: int | None = None,
    data: dict[str, Any] | None = None,
    check_visibility: bool = True,
) -> int:
    """Write one notification per wanted member (user ID -> kind); return how many.

    Drops the actor, inactive accounts and (with ``check_visibility``) members who
    cannot read ``topic``/``post``. Six queries at most, whatever ``len(wanted)``.
    """
    wanted.pop(actor_id, None)  # type: ignore[arg-type]
    if not wanted:
        return 0
    users = list(get_user_model().objects.filter(pk__in=wanted, is_active=True))
    if check_visibility and topic is not None:
        permissions.roles_prefetch(users)
        users = [
            user
            for user in users
            if permissions.can_read_topic(user, topic)
            and (post is None or permissions.can_see_post_body(user, post))
        ]
    if not users:
        return 0
    by_email = set(
        DiscussionSettings.objects.filter(
            user_id__in=[user.pk for user in users], email_notifications=True
        ).values_list("user_id", flat=True)
    )
    rows = [
        Notification(
            user_id=user.pk,
            kind=wanted[user.pk],
            topic=topic,
            post=post,
            product_id=product_id,
            data=data or {},
            email_state=EmailState.PENDING if user.pk in by_email else EmailState.NONE,
        )
        for user in users
    ]
    if post is not None:
        # Unique per (user, kind, post): a re-run (re-approval, retried job) adds nothing.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        pending_ids = list(
            Notification.objects.filter(
                post=post,
                user_id__in=sorted(by_email),
                kind__in=sorted({row.kind for row in rows}),
                email_state=EmailState.PENDING,
                emailed_at__isnull=True,
            ).values_list("pk", flat=True)
        )
    else:
        created = Notification.objects.bulk_create(rows)
        pending_ids = [
            row.pk for row in created if row.email_state == EmailState.PENDING
        ]
        if None in pending_ids:  # a database that cannot return bulk-inserted keys
            pending_ids = list(
                Notification.objects.filter(
                    Q(product_id=product_id)
                    if product_id is not None
                    else Q(product__isnull=True),
                    user_id__in=sorted(by_email),
                    kind=rows[0].kind,
                    topic=topic,
                    email_state=EmailState.PENDING,
                    created_at__gte=timezone.now() - SWEEP_MIN_AGE,
                ).values_list("pk", flat=True)
            )
    if pending_ids:
        transaction.on_commit(lambda: _enqueue_emails(pending_ids))
    return len(rows)


def _watch_by_default(*, user_id: int | None, topic: Topic) -> None:
    """Make ``user_id`` watch ``topic`` unless they already chose a level for it."""
    if user_id is None:
        return
    Subscription.objects.bulk_create(
        [Subscription(user_id=user_id, topic=topic, level=FollowLevel.WATCHING)],
        ignore_conflicts=True,
    )


def _add(wanted: dict[int, str], user_ids: Iterable[int | None], kind: str) -> None:
    for user_id in user_ids:
        if user_id is None:
            continue
        current = wanted.get(user_id)
        if current is None or _KIND_RANK.get(kind, 9) < _KIND_RANK.get(current, 9):
            wanted[user_id] = kind

"""The notification outbox: rows written in the cause's transaction, e-mails sent by tasks.

The posting, moderation and red-flag services call the ``notify_*`` hooks *inside*
their transaction; each hook writes the ``Notification`` rows (the outbox) in a
constant number of queries whatever the number of followers, and schedules
``send_notification_email_task`` with ``transaction.on_commit`` for the rows that
want an e-mail (``email_state`` pending). If the broker is down at that moment
nothing is lost: :func:`notification_outbox_sweep` (a beat job) re-enqueues pending
rows, and :func:`notification_email_send` claims a row with one conditional UPDATE
so that no e-mail is sent twice.

Who is told, for a post (``notify_post_published``):

- mentioned members (``mention``), the topic's author (``reply``), the author of a
  quoted post (``reply``), and everyone *watching* the topic, its space, one of its
  tags, its product or the product's vendor (``reply``, ``data.event`` ``new_topic``
  for an opening post);
- the red flag's author when a vendor representative gives the vendor's response
  (``vendor_response``);
- never the post's author, never a member who muted any of those targets (muted
  beats everything), and only members who may read the topic and the post at that
  moment (``discussions.permissions``): an embargoed red flag reaches only its
  author, moderators and the embargoed vendor's representatives.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cop.members.models import Membership
from discussions import permissions
from discussions.models import (
    DiscussionSettings,
    EmailState,
    FollowLevel,
    Mention,
    Notification,
    NotificationKind,
    Post,
    Subscription,
    Topic,
    TopicKind,
)
from discussions.selectors.notifications import unread_count_forget

if TYPE_CHECKING:
    from vendors.models import DisclosureVersion, RoadmapStatusChange

__all__ = [
    "EMAIL_MAX_ATTEMPTS",
    "notification_email_send",
    "notification_mark_read",
    "notification_outbox_sweep",
    "notifications_mark_all_read",
    "notify_answer_accepted",
    "notify_disclosure_published",
    "notify_post_published",
    "notify_post_reviewed",
    "notify_red_flag_released",
    "notify_roadmap_status_changed",
]

logger = logging.getLogger(__name__)

#: Attempts (claims) before an e-mail is given up as failed: the task's own retries
#: (5, with backoff) plus one sweeper re-enqueue.
EMAIL_MAX_ATTEMPTS = 6
#: A row left in ``sending`` this long was claimed by a worker that died.
SENDING_STUCK_AFTER = timedelta(minutes=15)
#: Rows the sweeper re-enqueues per run (every minute): far above the e-mail rate of
#: a community this size, small enough for one quick query.
SWEEP_BATCH_SIZE = 500
#: Rows younger than this still have their own on_commit enqueue in flight.
SWEEP_MIN_AGE = timedelta(seconds=60)

# The stronger kind wins when one member has several reasons to hear of one post.
_KIND_RANK = {
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
                    user_id__in=sorted(by_email),
                    kind=rows[0].kind,
                    product_id=product_id,
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


# ----------------------------------------------------------------- hooks


def notify_post_published(*, post: Post) -> None:
    """Tell watchers, the topic's followers and mentioned members about a visible new post.

    Called inside the posting (or approving) transaction when a post becomes visible:
    at creation when no review is needed, or when a moderator approves it. The
    opening post of a topic counts (new topic in a watched space, tag, vendor or
    product). A vendor representative's response on a red flag also tells the
    flag's author. A new red flag in its response window tells the verified
    representatives of the vendor concerned, so they can answer in time. The post's author starts watching the topic unless they chose a
    level for it. Constant number of queries; idempotent.
    """
    topic = post.topic
    _watch_by_default(user_id=post.author_id, topic=topic)
    watching, muted = _watchers_and_muted(_topic_targets_q(topic))
    wanted: dict[int, str] = {}
    _add(wanted, watching, NotificationKind.REPLY)
    if post.number > 1:
        _add(wanted, [topic.author_id], NotificationKind.REPLY)
    if post.quote_of_id is not None:
        _add(
            wanted,
            Post.objects.filter(pk=post.quote_of_id).values_list(
                "author_id", flat=True
            ),
            NotificationKind.REPLY,
        )
    _add(
        wanted,
        Mention.objects.filter(post=post).values_list("user_id", flat=True),
        NotificationKind.MENTION,
    )
    if post.is_vendor_response and topic.kind == TopicKind.RED_FLAG:
        _add(wanted, [topic.author_id], NotificationKind.VENDOR_RESPONSE)
    if post.number == 1 and topic.is_embargoed and topic.embargo_vendor_id:
        _add(
            wanted,
            Membership.objects.filter(
                organisation_id=topic.embargo_vendor_id,
                role=Membership.Role.REPRESENTATIVE,
                status=Membership.Status.VERIFIED,
            ).values_list("user_id", flat=True),
            NotificationKind.RED_FLAG_RAISED,
        )
    for user_id in muted:
        wanted.pop(user_id, None)
    _write(
        wanted=wanted,
        actor_id=post.author_id,
        topic=topic,
        post=post,
        data={"event": "new_topic"} if post.number == 1 else {},
    )


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

    Called when the embargo ends (inside the release transaction). The notification
    points at the opening post, so a repeated release notifies no one twice.
    """
    watching, muted = _watchers_and_muted(_topic_targets_q(topic))
    wanted: dict[int, str] = {}
    _add(wanted, [*watching, topic.author_id], NotificationKind.RED_FLAG_PUBLISHED)
    for user_id in muted:
        wanted.pop(user_id, None)
    opening = Post.objects.filter(topic=topic, number=1).first()
    _write(
        wanted=wanted,
        topic=topic,
        post=opening,
        product_id=topic.product_id,
    )


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


# ----------------------------------------------------------------- reading


def notification_mark_read(*, actor: Any, notification_id: int) -> bool:
    """Mark one of ``actor``'s notifications read; return whether one was changed."""
    changed = Notification.objects.filter(
        pk=notification_id, user_id=actor.pk, read_at__isnull=True
    ).update(read_at=timezone.now())
    unread_count_forget(actor)
    return bool(changed)


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of ``actor`` read (one UPDATE); return how many."""
    changed = Notification.objects.filter(
        user_id=actor.pk, read_at__isnull=True
    ).update(read_at=timezone.now())
    unread_count_forget(actor)
    return changed


# ----------------------------------------------------------------- e-mail outbox


def _claim(notification_id: int) -> bool:
    """Move a row from pending to sending in one conditional UPDATE; True if this caller won."""
    claimed = Notification.objects.filter(
        pk=notification_id,
        email_state=EmailState.PENDING,
        email_attempts__lt=EMAIL_MAX_ATTEMPTS,
    ).update(
        email_state=EmailState.SENDING,
        email_attempts=F("email_attempts") + 1,
        # While sending, ``emailed_at`` is the claim time (for the stuck-row sweep);
        # once sent, the send time.
        emailed_at=timezone.now(),
    )
    if not claimed:
        Notification.objects.filter(
            pk=notification_id,
            email_state=EmailState.PENDING,
            email_attempts__gte=EMAIL_MAX_ATTEMPTS,
        ).update(email_state=EmailState.FAILED, email_error="too many attempts")
    return bool(claimed)


def _finish(notification_id: int, state: str, error: str = "") -> None:
    Notification.objects.filter(
        pk=notification_id, email_state=EmailState.SENDING
    ).update(
        email_state=state,
        email_error=error[:300],
        emailed_at=timezone.now() if state == EmailState.SENT else None,
    )


def _still_wanted(notification: Notification) -> bool:
    """Re-check, at send time, that the member still wants and may see this e-mail."""
    from allauth.account.models import EmailAddress

    user = notification.user
    if not user.is_active or not user.email:
        return False
    wants = DiscussionSettings.objects.filter(
        user_id=user.pk, email_notifications=True, bouncing_since__isnull=True
    ).exists()
    verified = EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=user.email, verified=True
    ).exists()
    if not (wants and verified):
        return False
    if notification.kind in (
        NotificationKind.POST_APPROVED,
        NotificationKind.POST_REJECTED,
    ):
        return True
    topic = notification.topic
    if topic is not None and not permissions.can_read_topic(user, topic):
        return False
    post = notification.post
    return post is None or permissions.can_see_post_body(user, post)


def notification_email_send(*, notification_id: int) -> str:
    """Send the e-mail of one outbox row at most once; return what happened.

    Claims the row (pending -> sending in one UPDATE; a row already claimed, sent or
    gone is left alone), re-checks that the member still wants e-mails and may still
    see the thing, sends through :func:`discussions.mail.member_email_send` and marks
    the row sent in one UPDATE. A ``TransientMailError`` puts the row back to pending
    and propagates (the task retries); a ``PermanentMailError`` marks it failed.
    Returns ``"sent"``, ``"skipped"``, ``"failed"`` or ``"not claimed"``.
    """
    from discussions.mail import (
        PermanentMailError,
        TransientMailError,
        member_email_send,
        message_id_make,
    )
    from discussions.selectors.notifications import notification_email_context

    if not _claim(notification_id):
        return "not claimed"
    notification = (
        Notification.objects.filter(pk=notification_id)
        .select_related(
            "user",
            "topic__space",
            "post__author",
            "product__organisation",
        )
        .first()
    )
    if notification is None:
        return "not claimed"
    if not _still_wanted(notification):
        _finish(
            notification_id, EmailState.NONE, "skipped: no longer wanted or visible"
        )
        return "skipped"
    context = notification_email_context(notification=notification)
    try:
        member_email_send(
            user=notification.user,
            subject=context["subject"],
            template="notification",
            context=context,
            message_id=message_id_make("notification", notification_id),
            unsubscribe_scope="notifications",
        )
    except TransientMailError as exc:
        Notification.objects.filter(
            pk=notification_id, email_state=EmailState.SENDING
        ).update(email_state=EmailState.PENDING, email_error=str(exc)[:300])
        raise
    except PermanentMailError as exc:
        _finish(notification_id, EmailState.FAILED, str(exc))
        return "failed"
    _finish(notification_id, EmailState.SENT)
    return "sent"


def notification_outbox_sweep(
    *,
    now: Any = None,
    min_age: timedelta = SWEEP_MIN_AGE,
    stuck_after: timedelta = SENDING_STUCK_AFTER,
) -> int:
    """Re-enqueue e-mails left pending (and free rows stuck in sending); return how many.

    Rows stay pending when the broker was down at commit time or a task gave up on
    a transient error; rows stay in sending when a worker died mid-send. Sending is
    idempotent through the claim, so enqueueing a row twice sends it once. Stops at
    the first enqueue failure (the broker is still down: the next run retries).
    """
    from discussions.tasks.notifications import send_notification_email_task

    now = now or timezone.now()
    Notification.objects.filter(
        email_state=EmailState.SENDING, emailed_at__lt=now - stuck_after
    ).update(email_state=EmailState.PENDING)
    ids = list(
        Notification.objects.filter(
            email_state=EmailState.PENDING, created_at__lte=now - min_age
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    sent = 0
    for notification_id in ids:
        try:
            send_notification_email_task.delay(notification_id)
        except Exception:
            logger.warning("Outbox sweep stopped: broker unavailable", exc_info=True)
            break
        sent += 1
    return sent

"""Expand a post's notification event into notifications, one batch of watchers at a time.

The posting transaction (and a red flag's release, on the flag's opening post)
writes one :class:`NotificationEvent` (one query, whatever the number of watchers:
:func:`notification_event_record`) and enqueues
``fan_out_notifications_task`` on commit. Each run of the task
(:func:`notification_event_fan_out`) locks the event, writes the notifications of
the members named directly (first run only) and of the next ``FAN_OUT_BATCH_SIZE``
watchers after ``cursor`` (keyset pagination over user IDs), moves the cursor in the
same transaction and asks for the next run. A run killed half-way rolls back and
the next one redoes that batch; the unique (user, kind, post) constraint makes a
batch written twice harmless. :func:`notification_events_sweep` (beat, every
minute) re-enqueues events whose chain stopped (broker down at commit time, a lost
message).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cop.members.models import Membership
from discussions.models import (
    FollowLevel,
    Mention,
    Notification,
    NotificationEvent,
    NotificationKind,
    Post,
    Subscription,
    TopicKind,
)

from .enqueue import enqueue_until_broker_fails
from .outbox import _add, _topic_targets_q, _write

logger = logging.getLogger(__name__)

#: Watchers per run. One run costs the same dozen queries for 1 or 500 watchers
#: (the page of watchers, their accounts and roles, e-mail choices, one INSERT of
#: 500 rows, the pending e-mails, the cursor): a run takes a few tens of
#: milliseconds and holds no lock a posting request needs, while 10,000 watchers
#: take 20 runs. Larger batches save little and make a retried run redo more.
FAN_OUT_BATCH_SIZE = 500
#: Events younger than this still have their own on_commit enqueue in flight.
EVENT_SWEEP_MIN_AGE = timedelta(seconds=60)
#: Events the sweeper re-enqueues per run.
EVENT_SWEEP_BATCH_SIZE = 200

# Kinds that outrank a watcher's plain "reply": a mentioned watcher is told once,
# as mentioned.
_STRONGER_THAN_REPLY = (
    NotificationKind.MENTION,
    NotificationKind.VENDOR_RESPONSE,
    NotificationKind.RED_FLAG_RAISED,
)


def _enqueue_fan_out(event_id: int) -> None:
    """Hand an event to the broker (an on_commit callback: never raises).

    If the broker is unreachable the event stays open and the sweeper enqueues it
    later; a failure here must never turn a saved post into an error page.
    """
    from discussions.tasks.notifications import fan_out_notifications_task

    try:
        fan_out_notifications_task.delay(event_id)
    # Any enqueue failure (kombu OperationalError, redis errors, OSError) leaves the
    # event open for the sweeper.
    except Exception:
        logger.warning(
            "Could not enqueue notification event %s; the sweeper will retry",
            event_id,
            exc_info=True,
        )


def notification_event_record(
    *, post: Post, kind: str = NotificationEvent.Kind.POST_PUBLISHED
) -> None:
    """Record that ``post`` became visible (or its red flag was published); fan out after commit.

    Called inside the cause's transaction; one query. Idempotent: the event is
    unique per post and kind (a second call finds it, done or not, and enqueues a
    run that does nothing or resumes it).
    """
    (event,) = NotificationEvent.objects.bulk_create(
        [NotificationEvent(post=post, kind=kind)],
        # An upsert that changes nothing returns the row's key in the same query.
        update_conflicts=True,
        unique_fields=["post", "kind"],
        update_fields=["kind"],
    )
    event_id = event.pk
    if event_id is None:  # a database that cannot return upserted keys
        event_id = NotificationEvent.objects.values_list("pk", flat=True).get(
            post=post, kind=kind
        )
    transaction.on_commit(lambda: _enqueue_fan_out(event_id))


def _direct_recipients(*, post: Post) -> dict[int, str]:
    """Return the members a post names directly (user ID -> kind), before mutes.

    The topic's author and a quoted post's author (reply), mentioned members, the
    red flag's author for a vendor's response, the embargoed vendor's verified
    representatives for a new red flag. At most four queries.
    """
    topic = post.topic
    wanted: dict[int, str] = {}
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
    return wanted


def _direct(event: NotificationEvent) -> dict[int, str]:
    """Return the members an event names directly (user ID -> kind), before mutes."""
    post = event.post
    if event.kind == NotificationEvent.Kind.RED_FLAG_RELEASED:
        wanted: dict[int, str] = {}
        _add(wanted, [post.topic.author_id], NotificationKind.RED_FLAG_PUBLISHED)
        return wanted
    return _direct_recipients(post=post)


def notification_event_fan_out(
    *, event_id: int, batch_size: int = FAN_OUT_BATCH_SIZE
) -> bool:
    """Write the notifications of one batch of an event; return whether more remain.

    Locks the event row (skipping it if another worker holds it: that worker goes
    on), writes on the first run the notifications of the members the post names
    directly, then those of the next ``batch_size`` watchers of the topic, its
    space, tags, product or vendor (by user ID after ``cursor``), and moves the
    cursor, all in one transaction. For a released red flag the flag's author and
    the watchers are told it was published. Never the post's author, never a member who
    muted any of those targets, only members who may read the topic and the post
    now (see :func:`outbox._write`); a member with a stronger reason (mentioned)
    is not told again as a watcher. E-mails are enqueued after commit.

    Idempotent and resumable: a repeated run finds the cursor moved or the event
    done; a batch written twice adds nothing (unique per user, kind and post).
    The same number of queries for every batch, whatever the number of watchers.
    """
    with transaction.atomic():
        event = (
            NotificationEvent.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("post__topic__space")
            .filter(pk=event_id, done_at__isnull=True)
            .first()
        )
        if event is None:
            return False  # done, gone, or being fanned out by another worker
        post = event.post
        topic = post.topic
        targets = _topic_targets_q(topic)
        muted = Subscription.objects.filter(targets, level=FollowLevel.MUTED).values(
            "user_id"
        )
        released = event.kind == NotificationEvent.Kind.RED_FLAG_RELEASED
        # A red flag's publication names no actor; it carries the flag's product.
        actor_id = None if released else post.author_id
        product_id = topic.product_id if released else None
        watcher_kind = (
            NotificationKind.RED_FLAG_PUBLISHED if released else NotificationKind.REPLY
        )
        data: dict[str, Any] = (
            {"event": "new_topic"} if post.number == 1 and not released else {}
        )
        direct = _direct(event) if event.cursor is None else {}
        if direct:
            for user_id in Subscription.objects.filter(
                targets, level=FollowLevel.MUTED, user_id__in=sorted(direct)
            ).values_list("user_id", flat=True):
                direct.pop(user_id, None)
            _write(
                wanted=direct,
                actor_id=actor_id,
                topic=topic,
                post=post,
                product_id=product_id,
                data=data,
            )
        cursor = event.cursor or 0
        watchers = Subscription.objects.filter(
            targets, level=FollowLevel.WATCHING, user_id__gt=cursor
        ).exclude(user_id__in=muted)
        if not released:
            watchers = watchers.exclude(
                Exists(
                    Notification.objects.filter(
                        post_id=post.pk,
                        user_id=OuterRef("user_id"),
                        kind__in=_STRONGER_THAN_REPLY,
                    )
                )
            )
        page = list(
            watchers.order_by("user_id")
            .values_list("user_id", flat=True)
            .distinct()[:batch_size]
        )
        _write(
            wanted=dict.fromkeys(page, watcher_kind),
            actor_id=actor_id,
            topic=topic,
            post=post,
            product_id=product_id,
            data=data,
        )
        more = len(page) == batch_size
        event.cursor = page[-1] if page else cursor
        event.done_at = None if more else timezone.now()
        event.save(update_fields=["cursor", "done_at", "updated_at"])
        if more:
            transaction.on_commit(lambda: _enqueue_fan_out(event_id))
    return more


def notification_events_sweep(
    *, now: Any = None, min_age: timedelta = EVENT_SWEEP_MIN_AGE
) -> int:
    """Re-enqueue events not fanned out to the end whose last run is old; return how many.

    An event stays open when the broker was down at commit time, or a message was
    lost between two runs. Running an event twice is harmless (see
    :func:`notification_event_fan_out`). Stops at the first enqueue failure (the
    broker is still down: the next run retries).
    """
    from discussions.tasks.notifications import fan_out_notifications_task

    now = now or timezone.now()
    ids = list(
        NotificationEvent.objects.filter(
            done_at__isnull=True, updated_at__lte=now - min_age
        )
        .order_by("updated_at", "pk")
        .values_list("pk", flat=True)[:EVENT_SWEEP_BATCH_SIZE]
    )
    return enqueue_until_broker_fails(
        fan_out_notifications_task, ids, sweep="Event sweep"
    )

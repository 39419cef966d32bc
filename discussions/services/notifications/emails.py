"""Send the outbox's e-mails, each at most once, retry what the server deferred, sweep.

A row's e-mail moves ``pending`` -> ``sending`` (claimed by one worker in one
conditional UPDATE) -> ``sent``, ``failed`` or, when the member no longer wants or
may see it, ``none``. A transient failure (:func:`discussions.mail.smtp_error_classify`)
puts the row back to ``pending`` with ``email_next_attempt_at`` set by the shared
backoff (:func:`discussions.services.mailing.email_retry_delay`): the database row,
not a message in the broker, holds the retry, and the sweeper (beat, every minute)
re-enqueues the rows that are due. Only a permanent failure, or a transient one
``COP_EMAIL_RETRY_DEADLINE_HOURS`` after the row was written, ends it ``failed``.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from discussions import permissions
from discussions.models import (
    DiscussionSettings,
    EmailState,
    Notification,
    NotificationKind,
)

from ..mailing import (
    email_bounce_record,
    email_bounces_clear,
    email_retry_deadline,
    email_retry_delay,
)
from .enqueue import enqueue_until_broker_fails

logger = logging.getLogger(__name__)

#: Added to the send task's hard time limit to give how long a row may stay in
#: ``sending``: past that, the worker holding it is surely dead (killed, or stopped
#: mid-send) and the sweeper takes the row over.
SENDING_MARGIN = timedelta(seconds=30)
#: A retry due within this is also handed to the broker with a countdown, so a short
#: outage ends without waiting for the sweeper; later ones wait for it. Well below
#: the Redis visibility timeout (600 s), which a longer countdown would exceed.
RETRY_COUNTDOWN_MAX = timedelta(minutes=5)
#: Rows the sweeper re-enqueues per run (every minute): far above the e-mail rate of
#: a community this size, small enough for one quick query.
SWEEP_BATCH_SIZE = 500
#: Rows younger than this still have their own on_commit enqueue in flight.
SWEEP_MIN_AGE = timedelta(seconds=60)


def notification_sending_timeout() -> timedelta:
    """Return how long a row may stay ``sending``: the task's time limit plus a margin."""
    from discussions.tasks.notifications import send_notification_email_task

    limit = send_notification_email_task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    return timedelta(seconds=limit) + SENDING_MARGIN


def _due_q(now: datetime) -> Q:
    """Pending rows whose (re)try time has come."""
    return Q(email_next_attempt_at__isnull=True) | Q(email_next_attempt_at__lte=now)


def _claim(notification_id: int, now: datetime) -> bool:
    """Move a due row from pending to sending in one conditional UPDATE; True if this caller won."""
    claimed = Notification.objects.filter(
        _due_q(now), pk=notification_id, email_state=EmailState.PENDING
    ).update(
        email_state=EmailState.SENDING,
        email_attempts=F("email_attempts") + 1,
        emailed_at=now,
    )
    return bool(claimed)


def _finish(notification_id: int, state: str, error: str = "") -> None:
    Notification.objects.filter(
        pk=notification_id, email_state=EmailState.SENDING
    ).update(
        email_state=state,
        email_error=error[:300],
        emailed_at=timezone.now() if state == EmailState.SENT else None,
        email_next_attempt_at=None,
    )


def _defer(notification: Notification, error: Exception, now: datetime) -> str:
    """Put a row back to pending after a transient failure, or give it up past the deadline."""
    deadline = email_retry_deadline()
    give_up_at = notification.created_at + deadline
    if now >= give_up_at:
        hours = f"{deadline.total_seconds() / 3600:g}"
        _finish(
            notification.pk,
            EmailState.FAILED,
            f"gave up after {hours} h of transient failures: {error}",
        )
        logger.warning(
            "Notification e-mail %s given up after %s h: %s",
            notification.pk,
            hours,
            error,
        )
        return "failed"
    # The last try falls on the deadline itself rather than past it.
    next_at = min(
        now + email_retry_delay(attempt=notification.email_attempts), give_up_at
    )
    Notification.objects.filter(
        pk=notification.pk, email_state=EmailState.SENDING
    ).update(
        email_state=EmailState.PENDING,
        email_error=str(error)[:300],
        emailed_at=None,
        email_next_attempt_at=next_at,
    )
    wait = next_at - now
    logger.info(
        "Notification e-mail %s deferred for %.0f s (attempt %s): %s",
        notification.pk,
        wait.total_seconds(),
        notification.email_attempts,
        error,
    )
    if wait <= RETRY_COUNTDOWN_MAX:
        notification_id = notification.pk
        transaction.on_commit(lambda: _enqueue_retry(notification_id, wait))
    return "retry"


def _enqueue_retry(notification_id: int, wait: timedelta) -> None:
    """Hand a retry to the broker for its due time (never raises: the sweeper is there)."""
    from discussions.tasks.notifications import send_notification_email_task

    try:
        # One second late rather than early: the claim refuses a row not yet due.
        send_notification_email_task.apply_async(
            (notification_id,), countdown=math.ceil(wait.total_seconds()) + 1
        )
    except Exception:
        logger.warning(
            "Could not enqueue the retry of notification e-mail %s; the sweeper will",
            notification_id,
            exc_info=True,
        )


def _wanted_settings(notification: Notification) -> DiscussionSettings | None:
    """Re-check, at send time, that the member still wants and may see this e-mail.

    Returns the member's settings (for the bounce count) or ``None`` when the
    e-mail is no longer wanted: instant e-mails off, address unverified or
    bouncing, or the thing no longer visible to the member.
    """
    from allauth.account.models import EmailAddress

    user = notification.user
    if not user.is_active or not user.email:
        return None
    prefs = (
        DiscussionSettings.objects.filter(
            user_id=user.pk, email_notifications=True, bouncing_since__isnull=True
        )
        .only("pk", "user_id", "bounce_count")
        .first()
    )
    verified = EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=user.email, verified=True
    ).exists()
    if prefs is None or not verified:
        return None
    if notification.kind in (
        NotificationKind.POST_APPROVED,
        NotificationKind.POST_REJECTED,
    ):
        return prefs
    topic = notification.topic
    if topic is not None and not permissions.can_read_topic(user, topic):
        return None
    post = notification.post
    if post is not None and not permissions.can_see_post_body(user, post):
        return None
    return prefs


def notification_email_send(*, notification_id: int) -> str:
    """Send the e-mail of one outbox row at most once; return what happened.

    Claims the row (pending and due -> sending in one UPDATE; a row already
    claimed, sent, gone or not yet due is left alone), re-checks that the member
    still wants e-mails and may still see the thing, sends through
    :func:`discussions.mail.member_email_send` and marks the row sent in one UPDATE.
    A ``TransientMailError`` puts the row back to pending with its next attempt
    time (exponential backoff; past ``COP_EMAIL_RETRY_DEADLINE_HOURS`` it is
    failed instead); a ``PermanentMailError`` marks it failed and, when the server
    refused the address, counts a bounce by the rule the digest shares
    (:mod:`discussions.services.mailing`). Idempotent: safe to run for the same row
    from several tasks at once. Returns ``"sent"``, ``"retry"``, ``"skipped"``,
    ``"failed"`` or ``"not claimed"``.
    """
    from discussions.mail import (
        PermanentMailError,
        TransientMailError,
        member_email_send,
        message_id_make,
    )
    from discussions.selectors.notifications import notification_email_context

    now = timezone.now()
    if not _claim(notification_id, now):
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
    prefs = _wanted_settings(notification)
    if prefs is None:
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
        # Counted from now, not from the claim: a timeout may have taken a while.
        return _defer(notification, exc, timezone.now())
    except PermanentMailError as exc:
        _finish(notification_id, EmailState.FAILED, str(exc))
        if exc.bounce:
            email_bounce_record(user_id=notification.user_id, now=now)
        logger.warning(
            "Notification e-mail %s to member %s refused: %s",
            notification_id,
            notification.user_id,
            exc,
        )
        return "failed"
    _finish(notification_id, EmailState.SENT)
    if prefs.bounce_count:
        email_bounces_clear(user_ids=[notification.user_id])
    return "sent"


def _free_stuck(now: datetime, stuck_after: timedelta) -> None:
    """Return rows whose worker died while sending to pending (or give them up).

    The worker may have died before or after the server took the message: sending
    again is the one duplicate the outbox allows. A row that keeps killing its
    worker waits longer each time (the backoff of its attempts) and is given up at
    the deadline like any transient failure.
    """
    stuck = Notification.objects.filter(
        email_state=EmailState.SENDING, emailed_at__lt=now - stuck_after
    )
    rows = list(
        stuck.values_list("pk", "email_attempts", "created_at")[:SWEEP_BATCH_SIZE]
    )
    deadline = email_retry_deadline()
    for pk, attempts, created_at in rows:
        row = stuck.filter(pk=pk)
        if now >= created_at + deadline:
            row.update(
                email_state=EmailState.FAILED,
                email_error="gave up: the worker stopped while sending",
                emailed_at=None,
                email_next_attempt_at=None,
            )
            continue
        # A first loss is retried at once; repeated ones back off.
        wait = email_retry_delay(attempt=attempts - 1) if attempts > 1 else timedelta()
        row.update(
            email_state=EmailState.PENDING,
            emailed_at=None,
            email_next_attempt_at=min(now + wait, created_at + deadline),
        )


def notification_outbox_sweep(
    *,
    now: Any = None,
    min_age: timedelta = SWEEP_MIN_AGE,
    stuck_after: timedelta | None = None,
) -> int:
    """Re-enqueue e-mails that are pending and due (and free rows stuck in sending); return how many.

    Rows stay pending when the broker was down at commit time (due after
    ``min_age``) or after a transient failure (due at ``email_next_attempt_at``);
    rows stay in sending when a worker died mid-send, and are taken over after
    :func:`notification_sending_timeout` (the send task's time limit plus a
    margin). Sending is idempotent through the claim, so enqueueing a row twice
    sends it once. Stops at the first enqueue failure (the broker is still down:
    the next run retries). Run by beat every minute.
    """
    from discussions.tasks.notifications import send_notification_email_task

    now = now or timezone.now()
    _free_stuck(
        now, stuck_after if stuck_after is not None else notification_sending_timeout()
    )
    due = Q(email_next_attempt_at__isnull=True, created_at__lte=now - min_age) | Q(
        email_next_attempt_at__lte=now
    )
    ids = list(
        Notification.objects.filter(due, email_state=EmailState.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )
    return enqueue_until_broker_fails(
        send_notification_email_task, ids, sweep="Outbox sweep"
    )

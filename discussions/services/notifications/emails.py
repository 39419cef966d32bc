"""Send the outbox's e-mails, each at most once, and sweep up what the broker missed."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db.models import F
from django.utils import timezone

from discussions import permissions
from discussions.models import (
    DiscussionSettings,
    EmailState,
    Notification,
    NotificationKind,
)

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

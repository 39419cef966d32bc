"""Celery tasks: notification e-mails and the outbox sweeper (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

__all__ = [
    "fan_out_notifications_task",
    "send_notification_email_task",
    "sweep_notification_outbox_task",
]


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=90
)
def fan_out_notifications_task(event_id: int) -> None:
    """Write one batch of an event's notifications, then enqueue the next batch.

    Idempotent and resumable (the event's cursor and the unique notification per
    user, kind and post); an event that is gone or done is a no-op.
    """
    from discussions.services import notification_event_fan_out

    notification_event_fan_out(event_id=event_id)


# No Celery retries: a transient SMTP failure is written to the outbox row (its next
# attempt time, backing off over hours) and the service or the sweeper enqueues the
# retry, so a retry survives a broker restart and outlives any countdown. The hard
# time limit also bounds how long a row may stay "sending" when its worker dies
# (notification_sending_timeout: this limit plus a margin).
@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def send_notification_email_task(notification_id: int) -> None:
    """Send one notification e-mail (idempotent: the outbox row is claimed first).

    Transient failures are retried from the row's next attempt time, not by Celery.
    """
    from discussions.services import notification_email_send

    notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=90)
def sweep_notification_outbox_task() -> None:
    """Re-enqueue notification events and e-mails left behind (beat, every minute)."""
    from discussions.services import (
        notification_events_sweep,
        notification_outbox_sweep,
    )

    notification_events_sweep()
    notification_outbox_sweep()

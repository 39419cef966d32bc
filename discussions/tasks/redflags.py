"""Celery tasks: redflags (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["release_due_red_flags_task"]


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def release_due_red_flags_task() -> int:
    """Publish the red flags whose vendor response window has ended (beat, every 15 min).

    Idempotent: the service skips flags already released. When a batch was full the
    task enqueues itself again for the rest.
    """
    from discussions.services.redflags import RELEASE_BATCH_SIZE, red_flags_release_due

    released = red_flags_release_due()
    if released >= RELEASE_BATCH_SIZE:
        release_due_red_flags_task.delay()
    return released

"""Periodic site-wide jobs (scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

import socket

from celery import shared_task


# The soft limit is stated because the global default (240 s) exceeds this hard limit,
# which Celery rejects when the task is sent.
@shared_task(acks_late=True, time_limit=30, soft_time_limit=20)
def record_heartbeat_task() -> None:
    """Record that a worker is alive and running scheduled jobs."""
    from cop.core.services import heartbeat_record

    heartbeat_record(worker=socket.gethostname())


@shared_task(acks_late=True, time_limit=600)
def clear_expired_sessions_task() -> None:
    """Delete expired sessions: sign-in state is kept no longer than it is valid."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()

"""The one Celery beat schedule of the project: every periodic job of every app.

Read by :mod:`cop.settings.base` as ``CELERY_BEAT_SCHEDULE``.
"""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab


def beat_schedule(*, heartbeat_seconds: int) -> dict[str, dict[str, object]]:
    """Return the beat schedule; ``heartbeat_seconds`` is shorter only in tests of
    the whole platform (tests/cop/core/test_run_platform.py)."""
    return {
        "worker-heartbeat": {
            "task": "cop.core.tasks.record_heartbeat_task",
            "schedule": timedelta(seconds=heartbeat_seconds),
        },
        "clear-expired-sessions": {
            "task": "cop.core.tasks.clear_expired_sessions_task",
            "schedule": crontab(hour=3, minute=17),
        },
        # An encrypted backup of the database and media, keeping COP_BACKUP_KEEP of them
        # (privacy; skipped with a warning where COP_BACKUP_KEY is not set).
        "backup-nightly": {
            "task": "cop.privacy.tasks.backup_create_task",
            "schedule": crontab(hour=2, minute=23),
        },
        # Deletes, in batches, what COP_RETENTION_DAYS no longer allows (privacy).
        "enforce-retention": {
            "task": "cop.privacy.tasks.retention_enforce_task",
            "schedule": crontab(hour=3, minute=41),
        },
        # Re-enqueues notification e-mails left pending (broker down), due for a retry
        # after a transient SMTP failure, or stuck in sending (discussions).
        "sweep-notification-outbox": {
            "task": "discussions.tasks.notifications.sweep_notification_outbox_task",
            "schedule": timedelta(minutes=1),
        },
        # Publishes red flags whose vendor response window has ended (discussions).
        "release-due-red-flags": {
            "task": "discussions.tasks.redflags.release_due_red_flags_task",
            "schedule": timedelta(minutes=15),
        },
        # Publishes approved pages whose go-live time has come, unpublishes expired ones
        # (Wagtail's publish_scheduled; guides).
        "publish-scheduled-pages": {
            "task": "cop.guides.tasks.publish_scheduled_pages_task",
            "schedule": timedelta(minutes=5),
        },
        # E-mails the moderators the guides due for review, once per guide and period.
        "remind-guide-reviews": {
            "task": "cop.guides.tasks.guide_review_reminders_task",
            "schedule": crontab(hour=7, minute=5),
        },
        # Enqueues the digests of members whose local digest hour has come (discussions).
        "schedule-due-digests": {
            "task": "discussions.tasks.digests.schedule_due_digests_task",
            "schedule": timedelta(minutes=15),
        },
    }

"""Celery tasks of the privacy app (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["backup_create_task", "data_export_build_task", "retention_enforce_task"]


@shared_task(acks_late=True, time_limit=540, soft_time_limit=480)
def data_export_build_task(export_id: int) -> None:
    """Build the ZIP of a member's data export; a vanished or finished export is a no-op."""
    from cop.privacy.services.export import data_export_build

    data_export_build(export_id=export_id)


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def retention_enforce_task() -> dict[str, int]:
    """Delete one batch of records past their retention period (beat, nightly).

    Enqueues itself again while a kind filled its batch, so a backlog drains in
    short transactions.
    """
    from cop.privacy.services.retention import BATCH_SIZE, retention_enforce

    deleted = retention_enforce()
    if any(count >= BATCH_SIZE for count in deleted.values()):
        retention_enforce_task.delay()
    return deleted


# Not acks_late: a backup may outlast the broker's visibility timeout, and a
# redelivered one would only write a second file; a lost run is redone next night.
@shared_task(acks_late=False, time_limit=3600, soft_time_limit=3300)
def backup_create_task() -> str | None:
    """Write the nightly encrypted backup and prune old ones (beat).

    Does nothing (with a warning) where no backup key is configured.
    """
    from cop.privacy.services.backup import backup_run

    path = backup_run()
    return path.name if path else None

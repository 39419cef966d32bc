"""Celery tasks of the privacy app (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["data_export_build_task"]


@shared_task(acks_late=True, time_limit=900, soft_time_limit=840)
def data_export_build_task(export_id: int) -> None:
    """Build the ZIP of a member's data export; a vanished or finished export is a no-op."""
    from cop.privacy.services.export import data_export_build

    data_export_build(export_id=export_id)

"""Celery tasks of the guides (thin: each calls one service)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["guide_review_reminders_task", "publish_scheduled_pages_task"]


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def guide_review_reminders_task() -> dict[str, int]:
    """Tell the moderators about guides due for review (beat, daily; idempotent)."""
    from cop.guides.services_reviews import guide_review_reminders_run

    return guide_review_reminders_run()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def publish_scheduled_pages_task() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (beat).

    Runs Wagtail's ``publish_scheduled`` command, which acts only on revisions
    approved with a go-live time (through the moderators' review workflow) and on
    live pages past their expiry; a second run finds nothing left to do.
    """
    from django.core.management import call_command

    call_command("publish_scheduled")

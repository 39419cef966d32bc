"""Marking a member's notifications read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from discussions.models import Notification
from discussions.selectors.notifications import unread_count_forget


def notification_mark_read(*, actor: Any, notification_id: int) -> bool:
    """Mark one of ``actor``'s notifications read; return whether one was changed."""
    changed = Notification.objects.filter(
        pk=notification_id, user_id=actor.pk, read_at__isnull=True
    ).update(read_at=timezone.now())
    unread_count_forget(actor)
    return bool(changed)


def notifications_mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of ``actor`` read (one UPDATE); return how many."""
    changed = Notification.objects.filter(
        user_id=actor.pk, read_at__isnull=True
    ).update(read_at=timezone.now())
    unread_count_forget(actor)
    return changed

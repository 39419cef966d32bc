"""Services for site-wide infrastructure."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.utils import timezone

from cop.core.models import AuditEvent, WorkerHeartbeat

logger = logging.getLogger(__name__)


def heartbeat_record(*, worker: str) -> WorkerHeartbeat:
    """Record that ``worker`` ran the scheduled heartbeat now.

    Called by the beat-scheduled task; idempotent apart from the counter.
    """
    now = timezone.now()
    beat, created = WorkerHeartbeat.objects.get_or_create(
        worker=worker, defaults={"seen_at": now, "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=beat.pk).update(
            seen_at=now, beats=F("beats") + 1
        )
        beat.refresh_from_db()
    logger.info("heartbeat from worker %s (beat %s)", worker, beat.beats)
    return beat


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    reason: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit entry for ``action`` by ``actor`` on ``target``.

    Call it inside the service's transaction so that the change and its audit entry
    commit or roll back together. ``actor`` may be ``None`` for system jobs.
    """
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=str(target.pk),
        reason=reason,
        extra=extra or {},
    )

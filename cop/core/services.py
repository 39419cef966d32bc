"""Services for site-wide infrastructure."""

from __future__ import annotations

import logging

from django.db.models import F
from django.utils import timezone

from cop.core.models import WorkerHeartbeat

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

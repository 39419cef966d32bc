"""Reads for site-wide infrastructure."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cop.core.models import WorkerHeartbeat


@dataclass(frozen=True)
class Readiness:
    """Whether the process can serve traffic, and if not, why (one short reason)."""

    ready: bool
    checks: dict[str, str]


def readiness_get() -> Readiness:
    """Check the database and the broker; never raise.

    Reports the worker's last heartbeat for information only: a web process is ready to
    serve pages even while the worker is restarting.
    """
    checks: dict[str, str] = {}
    ready = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported as text
        ready = False
        checks["database"] = f"unreachable ({type(exc).__name__})"
    try:
        from cop.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported as text
        ready = False
        checks["broker"] = f"unreachable ({type(exc).__name__})"
    if checks["database"] == "ok":
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if beat is None:
            checks["worker"] = "no heartbeat yet"
        elif timezone.now() - beat.seen_at > settings.COP_HEARTBEAT_STALE_AFTER:
            checks["worker"] = f"last heartbeat {beat.seen_at.isoformat()} (stale)"
        else:
            checks["worker"] = "ok"
    return Readiness(ready=ready, checks=checks)

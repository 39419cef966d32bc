"""Reads for site-wide infrastructure."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from cop.core.models import WorkerHeartbeat

# The check threads still running, by check name (see _run_within). A dependency that
# hangs keeps at most one thread per check and process waiting on it.
_running: dict[str, threading.Thread] = {}
_running_lock = threading.Lock()


@dataclass(frozen=True)
class Readiness:
    """Whether the process can serve traffic, and if not, why (one short reason)."""

    ready: bool
    checks: dict[str, str]


def _database_checks() -> dict[str, str]:
    """Check the database with ``SELECT 1``, then report the worker's last heartbeat."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks = {"database": "ok"}
        beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
        if beat is None:
            checks["worker"] = "no heartbeat yet"
        elif timezone.now() - beat.seen_at > settings.COP_HEARTBEAT_STALE_AFTER:
            checks["worker"] = f"last heartbeat {beat.seen_at.isoformat()} (stale)"
        else:
            checks["worker"] = "ok"
        return checks
    finally:
        connections.close_all()  # this thread's own connection


def _broker_checks() -> dict[str, str]:
    from cop.celery import app

    with app.connection_for_write() as conn:
        # No retry: a refused connection is an answer ("unreachable") at once; a
        # hung broker is cut off by the socket timeouts and the readiness budget.
        conn.ensure_connection(max_retries=0, timeout=2)
    return {"broker": "ok"}


def _run_within(
    budget: float, checks: dict[str, Callable[[], dict[str, str]]]
) -> dict[str, str]:
    """Run ``checks`` in threads of their own; wait for them ``budget`` seconds in all.

    A check that raises reports ``unreachable (<error>)``, one that has not answered
    in time ``no answer within <budget> s``; while an earlier thread of the same check
    still waits, no new one is started.
    """
    results: dict[str, str] = {}
    started: list[tuple[str, threading.Thread, dict[str, str]]] = []

    def run(
        name: str, check: Callable[[], dict[str, str]], out: dict[str, str]
    ) -> None:
        try:
            out.update(check())
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported as text
            out[name] = f"unreachable ({type(exc).__name__})"

    with _running_lock:
        for name, check in checks.items():
            previous = _running.get(name)
            if previous is not None and previous.is_alive():
                results[name] = "no answer (an earlier check is still waiting)"
                continue
            out: dict[str, str] = {}
            thread = threading.Thread(
                target=run, args=(name, check, out), name=f"readyz-{name}", daemon=True
            )
            _running[name] = thread
            started.append((name, thread, out))
    for _, thread, _ in started:
        thread.start()
    deadline = time.monotonic() + budget
    for name, thread, out in started:
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            results[name] = f"no answer within {budget:g} s"
        else:
            results.update(out)  # written by a thread that has finished
    return results


def readiness_get() -> Readiness:
    """Check the database and the broker within ``COP_READYZ_TIMEOUT``; never raise.

    Each dependency is asked in a thread of its own, so a hung one (a stopped
    PostgreSQL or Redis that accepts connections but never answers) makes the answer
    "not ready" after the budget instead of holding the request. Reports the worker's
    last heartbeat for information only: a web process is ready to serve pages even
    while the worker is restarting.
    """
    checks = _run_within(
        settings.COP_READYZ_TIMEOUT,
        {"database": _database_checks, "broker": _broker_checks},
    )
    ready = checks.get("database") == "ok" and checks.get("broker") == "ok"
    return Readiness(ready=ready, checks=checks)

"""Django's database sessions, read with a query compiled once per process.

Every signed-in request reads its session row before anything else. Django's
``db`` engine builds and compiles ``Session.objects.get(session_key=…,
expire_date__gt=now)`` each time, which costs more than PostgreSQL takes to answer.
:class:`SessionStore` reads the same row through a
:class:`cop.core.prepared.PreparedQuery` (the key is the only parameter) and checks
the expiry date in Python: same answer, same storage. Sessions stay in the database
only, so they survive a Redis restart and a sign-out is never undone by a cache.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from cop.core.prepared import PreparedQuery

__all__ = ["SessionStore"]


def _session_row(session_key: str) -> Any:
    return Session.objects.filter(session_key=session_key)


_SESSION_ROW = PreparedQuery(_session_row, session_key="cop-prepared-session-slot")


class SessionStore(DatabaseSessionStore):
    """The ``db`` session engine with a prepared read (see the module docstring)."""

    def _get_session_from_db(self) -> Any:
        try:
            key = self.session_key
            row = _SESSION_ROW.first(session_key=key) if key else None
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            row = None
        if row is None or row.expire_date <= timezone.now():  # type: ignore[attr-defined]
            self._session_key = None
            return None
        return row

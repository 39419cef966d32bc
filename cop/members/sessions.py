"""The session engine of cop: Django's database sessions, read with the member.

Every signed-in request reads its session row, then its member with the member's
role facts (:mod:`cop.members.backends`): two statements, each built and compiled
by the ORM. Here the session table names its member (:class:`MemberSession`,
``user`` written from the session's data on every save), so one statement compiled
once per process (:data:`cop.members.backends.MEMBER_BY_SESSION`) reads the
session, the member and the facts; the member is handed to the authentication
backend for this request only (:func:`cop.members.backends.member_handoff`).
A session without a member (before sign-in) is read on its own, as before.

Same answers as Django's ``db`` engine: the expiry date is checked, an expired or
unknown key is dropped. Sessions stay in the database only, so they survive a
Redis restart and a sign-out is never undone by a cache.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from cop.core.prepared import PreparedQuery
from cop.members import backends
from cop.members.models import MemberSession

__all__ = ["SessionStore"]


def _session_row(session_key: str) -> Any:
    return MemberSession.objects.filter(session_key=session_key)


_SESSION_ROW = PreparedQuery(_session_row, session_key="cop-prepared-session-slot")


def _member_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SessionStore(DatabaseSessionStore):
    """The ``db`` session engine on :class:`MemberSession` (see the module docstring)."""

    @classmethod
    def get_model_class(cls) -> Any:
        return MemberSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        session: Any = super().create_model_instance(data)
        session.user_id = _member_id(data.get(SESSION_KEY))
        return session

    def _get_session_from_db(self) -> Any:
        backends.member_handoff_clear()
        try:
            key = self.session_key
            row = self._read(key) if key else None
        except SuspiciousOperation as exc:
            logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
            row = None
        if row is None or row.expire_date <= timezone.now():
            backends.member_handoff_clear()
            self._session_key = None
            return None
        return row

    @staticmethod
    def _read(key: str) -> Any:
        member: Any = backends.MEMBER_BY_SESSION.first(session_key=key)
        if member is None:
            return _SESSION_ROW.first(session_key=key)
        backends.member_handoff_keep(member)
        return MemberSession(
            session_key=key,
            session_data=member.cop_session_data,
            expire_date=member.cop_session_expire_date,
            user_id=member.pk,
        )

"""Sessions that name their member, so that one statement reads both."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class MemberSession(AbstractBaseSession):
    """Django's database session plus the signed-in member it belongs to.

    ``user`` is written from the session's own data each time it is saved (empty
    before sign-in), so that a signed-in page reads the session, the member and the
    member's role facts in one statement (:mod:`cop.members.sessions`), and so that
    deleting a member deletes their sessions and ending them all is one ``DELETE``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="member_sessions",
        related_query_name="member_session",
    )

    class Meta:
        db_table = "members_session"
        verbose_name = "session"

    @classmethod
    def get_session_store_class(cls) -> Any:
        from cop.members.sessions import SessionStore

        return SessionStore

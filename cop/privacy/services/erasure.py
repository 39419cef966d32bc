"""Erasing a member's account: every app's part, the sessions, then the user row."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cop.privacy import permissions
from cop.privacy.hooks import member_data
from cop.privacy.models import DataExport, Erasure
from cop.privacy.services.ledger import erasure_ledger_append

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 500


def _sessions_end(user: Any) -> int:
    """End every session of ``user`` (each device is signed out); return how many."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def member_erase(
    *, member: Any, actor: Any, keep_posts: bool, reason: str = ""
) -> Erasure:
    """Erase ``member``'s account and record the erasure by user ID only.

    Called by the member themselves or by a moderator on request (``reason`` then
    required). Each registered :class:`~cop.privacy.hooks.DataPart` removes or
    anonymises its rows first (``keep_posts``: posts stay as a former member's,
    otherwise they are deleted); then every session ends, the export files are
    deleted after commit and the user row goes, with the rows that cascade from it.
    The erasure is recorded in the database and, after commit, appended to the
    erasure ledger file that a restore replays. Not idempotent by design: a second
    call finds no member.
    """
    permissions.require_can_erase_member(actor, member)
    by_moderator = actor.pk != member.pk
    reason = " ".join((reason or "").split())
    if by_moderator and not reason:
        raise ValidationError(
            {"reason": _("Give the reason (e.g. the request's reference).")}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": _("Keep the reason under %(n)d characters.")
                % {"n": REASON_MAX_LENGTH}
            }
        )
    member = get_user_model().objects.select_for_update().get(pk=member.pk)
    user_id, joined_at = member.pk, member.date_joined
    member_rows_erase(member=member, keep_posts=keep_posts)
    erasure = Erasure.objects.create(
        user_id=user_id,
        joined_at=joined_at,
        keep_posts=keep_posts,
        requested_by=(
            Erasure.Requester.MODERATOR if by_moderator else Erasure.Requester.MEMBER
        ),
        reason=reason if by_moderator else "",
    )
    transaction.on_commit(lambda: erasure_ledger_append(erasures=[erasure]))
    return erasure


def member_rows_erase(*, member: Any, keep_posts: bool) -> None:
    """Remove ``member``'s rows: every app's part, the sessions, then the user row.

    The common core of an erasure and of its replay after a restore; checks no
    permission and records nothing (the callers do). The export files are deleted
    after commit. Must run inside a transaction.
    """
    user_id = member.pk
    tokens = [
        str(t)
        for t in DataExport.objects.filter(user=member).values_list("token", flat=True)
    ]
    for key, part in member_data:
        logger.info("erasing user %s: %s", user_id, key)
        part.erase(user=member, keep_posts=keep_posts)
    _sessions_end(member)
    member.delete()

    def remove_files() -> None:
        from cop.privacy.services.export import export_file_delete

        for token in tokens:
            export_file_delete(token=token)

    transaction.on_commit(remove_files)

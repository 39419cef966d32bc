"""Suspending and reinstating members: every change to ``Suspension`` goes through here.

A suspension sets ``is_active = False`` (Django and allauth then refuse to sign the
member in and show allauth's "account inactive" page) and ends every session the
member has, so that a suspension takes effect at once on every device.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.core.services import audit_record
from cop.members import permissions
from cop.members.models import Suspension
from cop.members.services.freetext import freetext_clean

logger = logging.getLogger(__name__)

REASON_MAX_LENGTH = 1000
# Database sessions are scanned in chunks of this size to find a member's sessions
# that allauth did not track (e.g. created before user sessions were enabled); a
# chunk of a few hundred decoded sessions keeps memory flat.
SESSION_SCAN_CHUNK = 500


def sessions_end_for_user(*, user: Any) -> int:
    """Delete every session of ``user`` and allauth's ``UserSession`` rows; return count.

    Idempotent. Called by ``member_suspend``; safe to call on its own (e.g. after a
    password reset by a moderator).
    """
    from allauth.usersessions.models import UserSession

    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for session_key in UserSession.objects.filter(user_id=user.pk).values_list(
        "session_key", flat=True
    ):
        engine.SessionStore().delete(session_key)
        ended += 1
    UserSession.objects.filter(user_id=user.pk).delete()
    if settings.SESSION_ENGINE == "cop.members.sessions":
        from cop.members.models import MemberSession

        # cop's sessions name their member: no session needs decoding.
        doomed = list(
            MemberSession.objects.filter(user_id=user.pk).values_list(
                "session_key", flat=True
            )
        )
    elif settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        doomed = _decoded_session_keys_of(user)
    else:
        doomed = []
    for session_key in doomed:
        engine.SessionStore().delete(session_key)
    ended += len(doomed)
    return ended


def _decoded_session_keys_of(user: Any) -> list[str]:
    """The keys of Django's own database sessions that belong to ``user`` (decoded)."""
    from django.contrib.sessions.models import Session

    user_key = str(user.pk)
    sessions = Session.objects.filter(expire_date__gt=timezone.now())
    return [
        session.session_key
        for session in sessions.iterator(chunk_size=SESSION_SCAN_CHUNK)
        if str(session.get_decoded().get("_auth_user_id")) == user_key
    ]


@transaction.atomic
def member_suspend(*, actor: Any, user: Any, reason: str) -> Suspension:
    """Suspend ``user`` with a reason: no sign-in, every session ended. Audited.

    Moderators may suspend members; only an admin may suspend a moderator; no one
    suspends themselves or an admin. Raises ``ValidationError`` if already suspended.
    """
    reason = freetext_clean(reason, max_length=REASON_MAX_LENGTH, required=True)
    target = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not permissions.can_suspend(actor, target):
        raise PermissionDenied
    if Suspension.objects.filter(user=target, ended_at__isnull=True).exists():
        raise ValidationError(_("This member is already suspended."), code="suspended")
    suspension = Suspension.objects.create(
        user=target, reason=reason, started_by=actor, started_at=timezone.now()
    )
    target.is_active = False
    target.save(update_fields=["is_active"])
    ended = sessions_end_for_user(user=target)
    audit_record(
        actor=actor,
        action="member.suspended",
        target=target,
        reason=reason,
        extra={"suspension_id": suspension.pk, "sessions_ended": ended},
    )
    permissions.clear_cached_roles(target)
    return suspension


@transaction.atomic
def member_unsuspend(*, actor: Any, user: Any, reason: str = "") -> Suspension:
    """End ``user``'s open suspension so they may sign in again. Audited.

    Same rights as ``member_suspend``. Raises ``ValidationError`` if not suspended.
    """
    reason = freetext_clean(reason, max_length=REASON_MAX_LENGTH)
    target = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not permissions.can_suspend(actor, target):
        raise PermissionDenied
    suspension = (
        Suspension.objects.select_for_update()
        .filter(user=target, ended_at__isnull=True)
        .first()
    )
    if suspension is None:
        raise ValidationError(_("This member is not suspended."), code="not_suspended")
    suspension.ended_at = timezone.now()
    suspension.ended_by = actor
    suspension.end_reason = reason
    suspension.save(update_fields=["ended_at", "ended_by", "end_reason", "updated_at"])
    target.is_active = True
    target.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="member.unsuspended",
        target=target,
        reason=reason,
        extra={"suspension_id": suspension.pk},
    )
    return suspension

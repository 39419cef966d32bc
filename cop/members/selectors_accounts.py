"""Reads for accounts, profiles and the code of conduct.

Only what another member may see leaves these functions: public member pages get the
display name, bio and verified affiliations, never the e-mail address or real name.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from cop.members.models import (
    CodeOfConductAcceptance,
    CodeOfConductVersion,
    Membership,
    User,
)
from cop.members.validators import display_name_keys


def display_name_is_taken(*, name: str, exclude_user_id: int | None = None) -> bool:
    """Return whether another account's display name looks like ``name``.

    Compares confusable skeletons taken before and after case folding, so "anna" is
    taken by "Anna" spelt with a Greek capital alpha, and "RIVERBEND READER" by
    "Riverbend Reader".
    """
    shape_key, folded_key = display_name_keys(name)
    users = User.objects.filter(
        Q(display_name_key=shape_key) | Q(display_name_folded_key=folded_key)
    )
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return users.exists()


def code_of_conduct_current_queryset() -> QuerySet[CodeOfConductVersion]:
    """Return the published versions, the one in force first (see below)."""
    return CodeOfConductVersion.objects.filter(
        live=True, first_published_at__isnull=False
    ).order_by("-first_published_at", "-pk")


def code_of_conduct_current() -> CodeOfConductVersion | None:
    """Return the code of conduct in force: the most recently first-published live version."""
    return code_of_conduct_current_queryset().first()


def code_of_conduct_pending(*, user: Any) -> CodeOfConductVersion | None:
    """Return the version ``user`` still has to accept, or ``None``.

    ``None`` for anonymous users, when no version is published, or when ``user``
    accepted the current one. Two queries at most; the middleware calls it per request.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    current = code_of_conduct_current()
    if current is None:
        return None
    accepted = CodeOfConductAcceptance.objects.filter(
        user_id=user.pk, version_id=current.pk
    ).exists()
    return None if accepted else current


def code_of_conduct_acceptance_list(*, user: Any) -> QuerySet[CodeOfConductAcceptance]:
    """Return ``user``'s own acceptances, newest first (for their account page)."""
    return CodeOfConductAcceptance.objects.filter(user_id=user.pk).select_related(
        "version"
    )


def member_get_public(*, viewer: Any, user_id: int) -> User | None:
    """Return the member whose public page ``viewer`` may open, or ``None``.

    Deactivated or suspended accounts have no public page. The returned user carries
    ``public_memberships``: verified affiliations with their organisation, the only
    affiliations anyone else may see.
    """
    verified = Membership.objects.filter(
        status=Membership.Status.VERIFIED
    ).select_related("organisation")
    return (
        User.objects.filter(pk=user_id, is_active=True)
        .only("pk", "display_name", "bio", "is_active", "date_joined")
        .prefetch_related(
            Prefetch("memberships", queryset=verified, to_attr="public_memberships")
        )
        .first()
    )


def account_overview(*, user: Any) -> dict[str, Any]:
    """Return what the account page says about ``user``'s sign-in settings.

    The e-mail addresses (primary first), whether two-factor authentication is on
    and how many sessions are open: at most three queries.
    """
    from allauth.account.models import EmailAddress
    from allauth.usersessions.models import UserSession

    from cop.members.permissions import mfa_enabled

    return {
        "emails": list(
            EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ),
        "mfa_enabled": mfa_enabled(user),
        "session_count": UserSession.objects.filter(user=user).count(),
    }

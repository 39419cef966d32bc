"""The members' part of a member's data export and erasure (``cop.privacy.hooks``).

The account itself (profile, e-mail addresses, second factors, sessions) and the
member's place in organisations. Rows that point at the member cascade away with the
user row; decisions the member took about others (``decided_by``, ``started_by``)
stay without the person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db.models import Q

from cop.members.models import (
    AffiliationInvitation,
    CodeOfConductAcceptance,
    Membership,
    Suspension,
)
from cop.privacy.hooks import DataPart, member_data, oldest_pks, retention_purgers, rows


def export_members(user: Any) -> Mapping[str, Any]:
    """Return the member's account and organisation data, one entry per file."""
    profile = {
        "id": user.pk,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "display_name": user.display_name,
        "bio": user.bio,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }
    return {
        "profile": rows(type(user).objects.filter(pk=user.pk), list(profile)),
        "email_addresses": rows(
            EmailAddress.objects.filter(user=user).order_by("pk"),
            ["email", "verified", "primary"],
        ),
        # The kind of each second factor and when it was used; never its secret.
        "second_factors": rows(
            Authenticator.objects.filter(user=user).order_by("pk"),
            ["type", "created_at", "last_used_at"],
        ),
        "sessions": rows(
            UserSession.objects.filter(user=user).order_by("created_at"),
            ["ip", "user_agent", "created_at", "last_seen_at"],
        ),
        "memberships": rows(
            Membership.objects.filter(user=user).order_by("requested_at"),
            [
                "organisation__name",
                "role",
                "status",
                "message",
                "requested_at",
                "decided_at",
                "decision_reason",
                "fast_tracked",
            ],
        ),
        "code_of_conduct_acceptances": rows(
            CodeOfConductAcceptance.objects.filter(user=user).order_by("accepted_at"),
            ["version__version", "accepted_at"],
        ),
        "suspensions": rows(
            Suspension.objects.filter(user=user).order_by("started_at"),
            ["reason", "started_at", "ended_at", "end_reason"],
        ),
    }


def register() -> None:
    """Register the members' part of the member data registry."""
    member_data.register(
        "account",
        DataPart(
            export=export_members,
            exports=(
                "members.Membership",
                "members.CodeOfConductAcceptance",
                "members.Suspension",
                "account.EmailAddress",
                "mfa.Authenticator",
                "usersessions.UserSession",
            ),
            # All CASCADE or SET_NULL from the user row. The sign-in sessions
            # themselves hold no more than the export's "sessions" list shows.
            erases=(
                "members.MemberSession",
                "members.Membership",
                "members.CodeOfConductAcceptance",
                "members.Suspension",
                "account.EmailAddress",
                "mfa.Authenticator",
                "usersessions.UserSession",
            ),
        ),
        order=10,
    )


def export_invitations(user: Any) -> Mapping[str, Any]:
    """Return the invitations the member accepted."""
    return {
        "invitations": rows(
            AffiliationInvitation.objects.filter(accepted_by=user).order_by("pk"),
            ["organisation__name", "email", "role", "created_at", "accepted_at"],
        )
    }


def erase_invitations(*, user: Any, keep_posts: bool) -> None:
    """Delete the invitations the member accepted or that were sent to their addresses."""
    addresses = [
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    ]
    AffiliationInvitation.objects.filter(accepted_by=user).delete()
    for address in {a.lower() for a in addresses if a}:
        AffiliationInvitation.objects.filter(email__iexact=address).delete()


def purge_invitations(*, cutoff: Any, limit: int) -> int:
    """Delete up to ``limit`` invitations accepted or expired before ``cutoff``.

    An invitation that is still open is kept whatever its age; one used or expired is
    of no further use, and its row holds the address it was sent to.
    """
    done = Q(accepted_at__lt=cutoff) | Q(
        accepted_at__isnull=True, expires_at__lt=cutoff
    )
    ids = oldest_pks(AffiliationInvitation.objects.filter(done), limit)
    AffiliationInvitation.objects.filter(pk__in=ids).delete()
    return len(ids)


def register_invitations() -> None:
    """Register the invitations' part of the member data registry and their purger."""
    retention_purgers.register("invitations", purge_invitations)
    member_data.register(
        "invitations",
        DataPart(
            export=export_invitations,
            erase=erase_invitations,
            exports=("members.AffiliationInvitation",),
            erases=("members.AffiliationInvitation",),
        ),
        order=11,
    )

"""Reads for members and organisations: who sees which rows, fetched efficiently."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from cop.members import permissions
from cop.members.models import Membership, Organisation, Suspension


def organisation_list_public(*, kind: str | None = None) -> QuerySet[Organisation]:
    """Return every organisation for the public directory, with its representative count.

    Public data only: no member is named; vendors show how many verified
    representatives speak for them (``verified_rep_count``).
    """
    qs = Organisation.objects.annotate(
        verified_rep_count=Count(
            "memberships",
            filter=Q(
                memberships__status=Membership.Status.VERIFIED,
                memberships__role=Membership.Role.REPRESENTATIVE,
            ),
        )
    ).order_by("name")
    if kind in Organisation.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def organisation_get_public(*, slug: str) -> Organisation | None:
    """Return organisation ``slug`` with ``verified_rep_count``, or None."""
    return organisation_list_public().filter(slug=slug).first()


def membership_list_for_member(*, viewer: Any) -> QuerySet[Membership]:
    """Return ``viewer``'s own affiliations, newest request first (nobody else's)."""
    if not getattr(viewer, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user_id=viewer.pk)
        .select_related("organisation")
        .order_by("-requested_at", "-id")
    )


def membership_get_for_member(
    *, viewer: Any, organisation: Organisation
) -> Membership | None:
    """Return ``viewer``'s affiliation with ``organisation``, if any."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Membership.objects.filter(
        user_id=viewer.pk, organisation=organisation
    ).first()


def affiliation_queue(*, viewer: Any) -> QuerySet[Membership]:
    """Return the pending affiliation requests ``viewer`` may decide, oldest first.

    Empty for non-moderators; a moderator's own requests are left out (someone else
    decides them). Annotated with ``other_verified_count`` for context.
    """
    if not permissions.can_review_affiliations(viewer):
        return Membership.objects.none()
    others = Membership.objects.filter(
        user_id=OuterRef("user_id"), status=Membership.Status.VERIFIED
    )
    return (
        Membership.objects.filter(status=Membership.Status.REQUESTED)
        .exclude(user_id=viewer.pk)
        .select_related("organisation", "user")
        .annotate(has_other_verified=Exists(others))
        .order_by("requested_at", "id")
    )


def affiliation_queue_count(*, viewer: Any) -> int:
    """Return how many affiliation requests ``viewer`` may decide (one query; 0 for others)."""
    if not permissions.can_review_affiliations(viewer):
        return 0
    return (
        Membership.objects.filter(status=Membership.Status.REQUESTED)
        .exclude(user_id=viewer.pk)
        .count()
    )


def affiliation_recent_decisions(
    *, viewer: Any, limit: int = 20
) -> QuerySet[Membership]:
    """Return the latest decided requests (for the moderators' queue page)."""
    if not permissions.can_review_affiliations(viewer):
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            decided_at__isnull=False,
            status__in=[
                Membership.Status.VERIFIED,
                Membership.Status.DECLINED,
                Membership.Status.REVOKED,
            ],
        )
        .select_related("organisation", "user", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def member_list_for_moderation(*, viewer: Any, model: Any = None) -> QuerySet[Any]:
    """Return members annotated for the moderators' list (``has_mfa``, ``is_suspended``).

    Empty for non-moderators. Only what moderators need: no passwords, no sessions.
    ``model`` may be a proxy of the user model (the admin list uses one).
    """
    user_model = model or get_user_model()
    if not permissions.can_view_members(viewer):
        return user_model.objects.none()
    from allauth.mfa.models import Authenticator

    factors = Authenticator.objects.filter(
        user_id=OuterRef("pk"),
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
    )
    open_suspensions = Suspension.objects.filter(
        user_id=OuterRef("pk"), ended_at__isnull=True
    )
    moderators = user_model.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name=permissions.MODERATORS_GROUP
    )
    return user_model.objects.annotate(
        has_mfa=Exists(factors),
        is_suspended=Exists(open_suspensions),
        in_moderators_group=Exists(moderators),
    ).order_by("email")


def suspension_open_for(*, user: Any) -> Suspension | None:
    """Return ``user``'s open suspension, if any."""
    return Suspension.objects.filter(user_id=user.pk, ended_at__isnull=True).first()


MEMBER_ROLE_FILTERS = {
    "admin": "Admin",
    "moderator": "Moderator",
    "vendor_rep": "Vendor representative",
    "library_worker": "Library worker",
    "none": "No role",
}


def member_filter_by_role(*, queryset: QuerySet[Any], role: str) -> QuerySet[Any]:
    """Narrow a member queryset to those who *hold* ``role`` (MFA aside).

    ``role`` is a key of ``MEMBER_ROLE_FILTERS``; anything else leaves it unchanged.
    """
    verified = Membership.objects.filter(
        user_id=OuterRef("pk"), status=Membership.Status.VERIFIED
    )
    rep = verified.filter(
        role=Membership.Role.REPRESENTATIVE, organisation__kind=Organisation.Kind.VENDOR
    )
    library = verified.filter(organisation__kind=Organisation.Kind.LIBRARY)
    moderator = Q(groups__name=permissions.MODERATORS_GROUP) | Q(is_superuser=True)
    if role == "admin":
        return queryset.filter(is_superuser=True)
    if role == "moderator":
        return queryset.filter(moderator).distinct()
    if role == "vendor_rep":
        return queryset.filter(Exists(rep))
    if role == "library_worker":
        return queryset.filter(Exists(library))
    if role == "none":
        return queryset.exclude(moderator).exclude(Exists(verified))
    return queryset


def member_filter_by_organisation(
    *, queryset: QuerySet[Any], organisation: Organisation | None
) -> QuerySet[Any]:
    """Narrow a member queryset to verified members of ``organisation``."""
    if organisation is None:
        return queryset
    return queryset.filter(
        Exists(
            Membership.objects.filter(
                user_id=OuterRef("pk"),
                organisation=organisation,
                status=Membership.Status.VERIFIED,
            )
        )
    )

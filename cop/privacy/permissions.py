"""Who may do what with the privacy app's data: the one place these rules live.

The reference data (frameworks, criteria, red flags) is owned by the YAML files in
``cop/privacy/data/``: moderators may browse it in the Wagtail admin, nobody may
add, change or delete it there (the loader would undo or trip over such edits).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from wagtail.permission_policies import BasePermissionPolicy

from cop.members import permissions as member_permissions


def can_browse_reference_data(user: Any) -> bool:
    """Return whether ``user`` may browse the reference data in the admin."""
    return member_permissions.is_moderator(user)


class ReferenceDataPermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy: moderators may view; no one may add, change or delete."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and can_browse_reference_data(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return "view" in actions and can_browse_reference_data(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        users = get_user_model().objects
        if "view" not in actions:
            return users.none()
        return users.filter(
            Q(is_superuser=True) | Q(groups__name=member_permissions.MODERATORS_GROUP),
            is_active=True,
        ).distinct()


# ------------------------------------------------------------ law-enforcement requests


def can_manage_legal_requests(user: Any) -> bool:
    """Return whether ``user`` may list, record and update law-enforcement requests."""
    return member_permissions.is_moderator(user)


def can_delete_legal_requests(user: Any) -> bool:
    """Return whether ``user`` may delete a recorded request (site admins only)."""
    return member_permissions.is_site_admin(user)


class LegalRequestPermissionPolicy(BasePermissionPolicy):
    """Wagtail permission policy of the register: moderators record, admins delete."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return can_delete_legal_requests(user)
        return action in ("add", "change", "view") and can_manage_legal_requests(user)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True)
                | Q(groups__name=member_permissions.MODERATORS_GROUP),
                is_active=True,
            )
            .distinct()
        )


# ------------------------------------------------------------ the member's data rights


def can_exercise_data_rights(user: Any) -> bool:
    """Return whether ``user`` may export or erase their own account (signed in, active)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_erase_members(actor: Any) -> bool:
    """Return whether ``actor`` may erase members on request (moderators).

    Which members is decided per member by :func:`can_erase_member` on the erasure
    page; lists use this one so they cost no query per row.
    """
    return member_permissions.is_moderator(actor)


def can_erase_member(actor: Any, member: Any) -> bool:
    """Return whether ``actor`` may erase ``member``'s account.

    Members may erase themselves. Moderators may erase another member on request,
    but not a site administrator or another moderator (an administrator removes those
    roles first, so an erasure can never lock the site out).
    """
    if not can_exercise_data_rights(actor) or member is None or member.pk is None:
        return False
    if actor.pk == member.pk:
        return True
    return (
        member_permissions.is_moderator(actor)
        and not member.is_superuser
        and not member.is_staff
        and not member.groups.filter(name=member_permissions.MODERATORS_GROUP).exists()
    )


def require_can_erase_member(actor: Any, member: Any) -> None:
    """Raise ``PermissionDenied`` unless :func:`can_erase_member`."""
    if not can_erase_member(actor, member):
        raise PermissionDenied


def access_erasable_member(actor: Any, user_id: int) -> Any:
    """Return the member ``actor`` may erase; 404 when missing or not allowed."""
    member = get_user_model().objects.filter(pk=user_id).first()
    if member is None or actor.pk == member.pk or not can_erase_member(actor, member):
        raise Http404
    return member

"""Who may do what with the guides, beyond Wagtail's page permissions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from cop.members import permissions as member_permissions


def can_review_guides(user: Any) -> bool:
    """Return whether ``user`` may mark guides reviewed (moderators, with MFA)."""
    return bool(member_permissions.is_moderator(user))


def require_guide_reviewer(user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may mark guides reviewed."""
    if not can_review_guides(user):
        raise PermissionDenied


def can_manage_working_groups(user: Any) -> bool:
    """Return whether ``user`` may add and remove working-group members (moderators)."""
    return bool(member_permissions.is_moderator(user))


def require_working_group_manager(user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may manage working-group members."""
    if not can_manage_working_groups(user):
        raise PermissionDenied


def can_change_listing(user: Any, membership: Any) -> bool:
    """Return whether ``user`` may choose if ``membership`` is listed: its member only."""
    return bool(
        getattr(user, "is_authenticated", False) and membership.user_id == user.pk
    )

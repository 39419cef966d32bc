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


def can_follow_sections(user: Any) -> bool:
    """Return whether ``user`` may follow the guides or the events (signed-in members)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_save_checklist_answers(user: Any) -> bool:
    """Return whether ``user`` may keep checklist answers in their account (members)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def require_checklist_saver(user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may save checklist answers."""
    if not can_save_checklist_answers(user):
        raise PermissionDenied


def access_checklist_page(user: Any, page_id: int) -> Any:
    """Return live, public checklist page ``page_id``, or raise 404 (missing or hidden)."""
    from django.http import Http404

    from cop.guides.models import ChecklistPage

    page = ChecklistPage.objects.live().public().filter(pk=page_id).first()
    if page is None:
        raise Http404
    return page

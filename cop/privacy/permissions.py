"""Who may do what with the privacy app's data: the one place these rules live.

The reference data (frameworks, criteria, red flags) is owned by the YAML files in
``cop/privacy/data/``: moderators may browse it in the Wagtail admin, nobody may
add, change or delete it there (the loader would undo or trip over such edits).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
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

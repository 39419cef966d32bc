"""Wagtail admin for the code of conduct: moderators write and publish versions.

Imported by ``cop.members.wagtail_hooks``. Published versions are never deleted
(acceptances refer to them); a new version is published to ask everyone again.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cop.members import permissions
from cop.members.models import CodeOfConductVersion


class ConductPermissionPolicy(BasePermissionPolicy):
    """Moderators (with MFA, as every elevated right) may write and publish versions.

    Nobody deletes a version through the admin: members' acceptances point at it.
    """

    ALLOWED_ACTIONS = frozenset({"add", "change", "publish", "unpublish", "view"})

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in self.ALLOWED_ACTIONS and permissions.can_moderate(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        if not self.ALLOWED_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        # Wagtail asks this only to list people (e.g. workflow notifications); the
        # role holders are a good enough answer, MFA is enforced per request.
        holders = Q(is_superuser=True) | Q(groups__name=permissions.MODERATORS_GROUP)
        return get_user_model().objects.filter(holders, is_active=True).distinct()

    def users_with_permission(self, action: str) -> QuerySet[Any]:
        return self.users_with_any_permission([action])


class CodeOfConductVersionViewSet(SnippetViewSet):
    model = CodeOfConductVersion
    icon = "doc-full"
    menu_label = "Code of conduct"
    menu_name = "code-of-conduct"
    add_to_admin_menu = True
    menu_order = 900
    list_display = ["version", "live", "first_published_at", "updated_at"]
    search_fields = ["version", "body"]
    ordering = ["-first_published_at", "-pk"]


register_permission_policy(
    CodeOfConductVersion, ConductPermissionPolicy(CodeOfConductVersion)
)
register_snippet(CodeOfConductVersionViewSet)

"""The moderators' admin: "Guides due for review" and working-group members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, DeleteView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cop.guides import permissions, selectors, services_working_groups, views
from cop.guides.forms import WorkingGroupMemberForm
from cop.guides.models import WorkingGroupMembership


class GuidesDueForReviewPanel(Component):
    """Guides not reviewed for ``COP_GUIDES_REVIEW_MONTHS``, with a "reviewed" button."""

    name = "guides_due_for_review"
    order = 80
    template_name = "guides/admin/review_due_panel.html"

    def __init__(self, guides: list[Any], months: int) -> None:
        self.guides = guides
        self.months = months

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        context: dict[str, Any] = {"guides": self.guides, "months": self.months}
        if parent_context is not None:
            context["csrf_token"] = parent_context.get("csrf_token")
            context["request"] = parent_context.get("request")
        return context


def review_months() -> int:
    from cop.guides.services_reviews import review_months as months

    return months()


@hooks.register("construct_homepage_panels")
def add_guides_due_panel(request: Any, panels: list[Any]) -> None:
    if not permissions.can_review_guides(request.user):
        return
    months = review_months()
    guides = selectors.guides_due_for_review(months=months)
    if guides:
        panels.append(GuidesDueForReviewPanel(guides, months))


@hooks.register("register_admin_urls")
def guides_admin_urls() -> list[Any]:
    return [
        path(
            "guides/<int:page_id>/reviewed/",
            views.guide_mark_reviewed,
            name="guides_mark_reviewed",
        )
    ]


class WorkingGroupMembershipPolicy(BasePermissionPolicy):
    """Moderators add, see and remove working-group members."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in {"add", "view", "delete"} and (
            permissions.can_manage_working_groups(user)
        )

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        return get_user_model().objects.none()


register_permission_policy(
    WorkingGroupMembership, WorkingGroupMembershipPolicy(WorkingGroupMembership)
)


class MembershipCreateView(CreateView):
    def save_instance(self) -> Any:
        return services_working_groups.working_group_member_add(
            group=self.form.cleaned_data["group"],
            user=self.form.instance.user,
            actor=self.request.user,
        )


class MembershipDeleteView(DeleteView):
    def delete_action(self) -> None:
        services_working_groups.working_group_member_remove(
            membership=self.object, actor=self.request.user
        )


class WorkingGroupMembershipViewSet(ModelViewSet):
    model = WorkingGroupMembership
    name = "working_group_members"
    menu_label = _("Working group members")
    icon = "group"
    add_to_admin_menu = True
    menu_order = 260
    form_fields = ["group"]
    list_display = [
        Column("group", label=_("Working group")),
        Column("user", label=_("Member"), accessor="user.display_name"),
        BooleanColumn("listed", label=_("Listed by name")),
        "created_at",
    ]
    list_filter = ["group"]
    search_fields = ["user__display_name", "user__email"]
    ordering = ["group__title", "user__display_name"]
    copy_view_enabled = False
    inspect_view_enabled = False
    add_view_class = MembershipCreateView
    delete_view_class = MembershipDeleteView

    def get_form_class(self, for_update: bool = False) -> Any:
        return WorkingGroupMemberForm

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        return WorkingGroupMembership.objects.select_related("group", "user")


@hooks.register("register_admin_viewset")
def register_working_group_members() -> ModelViewSet:
    return WorkingGroupMembershipViewSet()

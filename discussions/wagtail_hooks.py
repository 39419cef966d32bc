"""The "Discussions" area of the Wagtail admin: spaces and a link to the moderation queue.

Registered declaratively. Who sees what is decided by ``discussions.permissions``
through a permission policy and menu items' ``is_shown``, never inline; vendor
representatives never get here (``AdminScopeMiddleware`` keeps them in
``/admin/vendors/``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cop.members.permissions import MODERATORS_GROUP
from discussions import cache, permissions, selectors
from discussions.forms.moderation import SpaceAdminForm
from discussions.models import Space


class SpacePolicy(BasePermissionPolicy):
    """Moderators add, edit and order spaces; only admins delete one."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return permissions.can_manage_spaces(user, action)

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        # Coarse by design (Wagtail uses it for notifications only).
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP),
                is_active=True,
            )
            .distinct()
        )


register_permission_policy(Space, SpacePolicy(Space))


class ModerationQueueMenuItem(MenuItem):
    """The queue's menu entry, with the number of waiting items, for moderators only."""

    def is_shown(self, request: Any) -> bool:
        return permissions.can_moderate(request.user)

    def render_component(self, request: Any) -> Any:
        count = selectors.moderation_queue_count(viewer=request.user)
        label = f"{self.label} ({count})" if count else str(self.label)
        return LinkMenuItemComponent(
            self.name,
            label,
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


class ModerationQueueViewSet(ViewSet):
    """A menu link to the moderation queue (a site page at /discussions/moderation/)."""

    name = "discussions_moderation"
    menu_label = _("Moderation queue")
    menu_icon = "tasks"
    menu_item_class = ModerationQueueMenuItem

    @property
    def menu_url(self) -> str:
        return reverse("discussions:moderation_queue")

    def get_urlpatterns(self) -> list[Any]:
        return []


class SpaceIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Space]:
        queryset: QuerySet[Space] = super().get_base_queryset()
        return queryset.select_related("working_group")


class SpaceCreateView(CreateView):
    def save_instance(self) -> Space:
        space: Space = super().save_instance()
        cache.content_changed(space_id=space.pk)
        return space


class SpaceEditView(EditView):
    def save_instance(self) -> Space:
        space: Space = super().save_instance()
        cache.content_changed(space_id=space.pk)
        return space


class SpaceViewSet(ModelViewSet):
    model = Space
    name = "discussion_spaces"
    url_prefix = "discussions/spaces"
    menu_label = _("Spaces")
    icon = "folder-open-inverse"
    index_view_class = SpaceIndexView
    add_view_class = SpaceCreateView
    edit_view_class = SpaceEditView
    list_display = [
        "name",
        "visibility",
        "working_group",
        "requires_topic_approval",
        "topic_count",
        "archived_at",
    ]
    list_filter = ["visibility", "requires_topic_approval"]
    search_fields = ["name", "slug", "description"]
    ordering = ["position", "name"]
    sort_order_field = "position"
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("description"),
            FieldPanel("visibility"),
            FieldPanel("working_group"),
            FieldPanel("position"),
            FieldPanel("requires_topic_approval"),
            FieldPanel("red_flag_window_days"),
            FieldPanel("archived"),
        ],
        base_form_class=SpaceAdminForm,
    )


class DiscussionsViewSetGroup(ViewSetGroup):
    menu_label = _("Discussions")
    menu_icon = "comment"
    menu_order = 260
    items = (ModerationQueueViewSet, SpaceViewSet)


@hooks.register("register_admin_viewset")
def register_discussions_viewsets() -> ViewSetGroup:
    return DiscussionsViewSetGroup()

"""The moderators' "Community" area of the Wagtail admin, registered declaratively.

Three entries: the affiliation queue (custom views calling the services), the
organisation editor and the member list (with suspend/reinstate). Who sees them is
decided by ``cop.members.permissions`` through permission policies, never inline.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cop.members import permissions, selectors
from cop.members.forms_organisations import OrganisationAdminForm
from cop.members.models import Membership, ModeratedMember, Organisation
from cop.members.views import moderation
from cop.privacy import permissions as privacy_permissions


class _RolePolicy(BasePermissionPolicy):
    """Grant each admin action to whoever passes the matching ``permissions`` predicate."""

    predicates: dict[str, Any] = {}

    def user_has_permission(self, user: Any, action: str) -> bool:
        predicate = self.predicates.get(action)
        return bool(predicate and predicate(user))

    def users_with_any_permission(self, actions: Any) -> QuerySet[Any]:
        # Coarse by design (used for notifications only): people who hold a role
        # that any of these actions needs.
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name=permissions.MODERATORS_GROUP),
                is_active=True,
            )
            .distinct()
        )


class OrganisationPolicy(_RolePolicy):
    predicates = {
        "add": permissions.can_manage_organisations,
        "change": permissions.can_manage_organisations,
        "view": permissions.can_manage_organisations,
        # Deleting an organisation deletes every affiliation with it.
        "delete": permissions.is_site_admin,
    }


class MemberPolicy(_RolePolicy):
    predicates = {"view": permissions.can_view_members}


register_permission_policy(Organisation, OrganisationPolicy(Organisation))
register_permission_policy(ModeratedMember, MemberPolicy(ModeratedMember))


class _PredicateMenuItem(MenuItem):
    predicate: Any = None

    def is_shown(self, request: Any) -> bool:
        return bool(type(self).predicate(request.user))


class AffiliationQueueMenuItem(_PredicateMenuItem):
    predicate = staticmethod(permissions.can_review_affiliations)


class AffiliationQueueViewSet(ViewSet):
    """The queue of affiliation requests and the decision, revoke and suspend views."""

    name = "community"
    url_prefix = "community"
    menu_label = _("Affiliation requests")
    menu_icon = "tasks"
    menu_item_class = AffiliationQueueMenuItem

    @property
    def menu_url(self) -> str:
        return reverse("community:affiliation_queue")

    def get_urlpatterns(self) -> list[Any]:
        return [
            path("", moderation.affiliation_queue, name="affiliation_queue"),
            path(
                "affiliations/<int:membership_id>/",
                moderation.affiliation_decide,
                name="affiliation_decide",
            ),
            path(
                "affiliations/<int:membership_id>/revoke/",
                moderation.membership_revoke,
                name="membership_revoke",
            ),
            path(
                "members/<int:user_id>/suspension/",
                moderation.member_suspend,
                name="member_suspension",
            ),
        ]


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "organisations"
    menu_label = _("Organisations")
    icon = "group"
    list_display = ["name", "kind", "website", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "website"]
    ordering = ["name"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("kind"),
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldPanel("website"),
            FieldPanel("description"),
            FieldPanel("email_domains"),
        ],
        base_form_class=OrganisationAdminForm,
    )


def _role_filter(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return selectors.member_filter_by_role(queryset=queryset, role=value)


def _organisation_filter(
    queryset: QuerySet[Any], name: str, value: Organisation | None
) -> QuerySet[Any]:
    return selectors.member_filter_by_organisation(
        queryset=queryset, organisation=value
    )


class MemberFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=list(selectors.MEMBER_ROLE_FILTERS.items()),
        method=_role_filter,
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        method=_organisation_filter,
    )
    is_suspended = django_filters.BooleanFilter(label=_("Suspended"))
    has_mfa = django_filters.BooleanFilter(label=_("Two-factor authentication"))

    class Meta:
        model = ModeratedMember
        fields: list[str] = []


class SuspensionColumn(Column):
    """A link to suspend or reinstate the member of the row."""

    def get_value(self, instance: Any) -> str:
        return str(_("Reinstate…") if instance.is_suspended else _("Suspend…"))


class OrganisationsColumn(Column):
    """The organisations the member is verified with (prefetched)."""

    def get_value(self, instance: Any) -> str:
        return ", ".join(
            f"{m.organisation.name} ({m.get_role_display().lower()})"
            for m in instance.verified_memberships
        )


class MemberIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Any]:
        return selectors.member_list_for_moderation(
            viewer=self.request.user, model=ModeratedMember
        ).prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(
                    status=Membership.Status.VERIFIED
                ).select_related("organisation"),
                to_attr="verified_memberships",
            )
        )

    def get_list_more_buttons(self, instance: Any) -> list[Any]:
        buttons = list(super().get_list_more_buttons(instance))
        if permissions.can_suspend(self.request.user, instance):
            buttons.append(
                ListingMenuItem(
                    str(_("Reinstate") if instance.is_suspended else _("Suspend")),
                    url=reverse("community:member_suspension", args=[instance.pk]),
                    icon_name="lock",
                    priority=20,
                )
            )
        if privacy_permissions.can_erase_members(self.request.user):
            buttons.append(
                ListingMenuItem(
                    str(_("Erase on request")),
                    url=reverse("member_erase", args=[instance.pk]),
                    icon_name="bin",
                    priority=30,
                )
            )
        return buttons


class MemberViewSet(ModelViewSet):
    model = ModeratedMember
    name = "members_admin"
    url_prefix = "community/members"
    menu_label = _("Members")
    icon = "user"
    index_view_class = MemberIndexView
    filterset_class = MemberFilterSet
    list_display = [
        # A plain field name: Wagtail makes the first column the title column, which
        # carries each row's buttons (suspend, erase on request).
        "display_name",
        "email",
        OrganisationsColumn("organisations", label=_("Verified organisations")),
        BooleanColumn("has_mfa", label=_("2FA")),
        BooleanColumn("is_suspended", label=_("Suspended")),
        "date_joined",
    ]
    search_fields = ["email", "display_name"]
    ordering = ["email"]
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["display_name"]


class CommunityViewSetGroup(ViewSetGroup):
    menu_label = _("Community")
    menu_icon = "group"
    menu_order = 250
    items = (AffiliationQueueViewSet, OrganisationViewSet, MemberViewSet)


@hooks.register("register_admin_viewset")
def register_community_viewsets() -> ViewSetGroup:
    return CommunityViewSetGroup()


# The code of conduct's admin (owned by the accounts area) registers itself on import.
from cop.members import wagtail_hooks_conduct  # noqa: E402, F401

"""The moderators' register of law-enforcement requests in the Wagtail admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from cop.privacy.models import LegalRequest
from cop.privacy.permissions import LegalRequestPermissionPolicy

register_permission_policy(LegalRequest, LegalRequestPermissionPolicy(LegalRequest))


class LegalRequestViewSet(ModelViewSet):
    """Moderators record requests; the public report shows counts only."""

    model = LegalRequest
    name = "legal_requests"
    url_prefix = "privacy/legal-requests"
    icon = "warning"
    menu_label = _("Law-enforcement requests")
    menu_order = 410
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    list_display = ["received_on", "kind", "jurisdiction", "outcome", "member_notice"]
    list_filter = ["kind", "outcome", "member_notice"]
    search_fields = ["agency", "jurisdiction", "details", "legal_basis"]
    ordering = ["-received_on", "-id"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("received_on"), FieldPanel("kind")]),
                    FieldRowPanel([FieldPanel("agency"), FieldPanel("jurisdiction")]),
                    FieldPanel("details"),
                    FieldPanel("legal_basis"),
                ],
                heading=_("The request"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("outcome"),
                    FieldRowPanel(
                        [FieldPanel("member_notice"), FieldPanel("member_told_on")]
                    ),
                    FieldPanel("notes"),
                ],
                heading=_("What we did"),
            ),
        ]
    )

    def get_permissions_to_register(self) -> Any:
        # The policy decides by role; Django model permissions would suggest otherwise.
        return Permission.objects.none()


@hooks.register("register_admin_viewset")
def register_legal_request_viewset() -> ModelViewSet:
    return LegalRequestViewSet()

"""Read-only Wagtail admin listings of the privacy reference data, for moderators.

Codes, keys, ranks and texts are owned by the files in ``cop/privacy/data/`` and
reloaded by ``manage.py load_privacy_framework``, so the admin only lists and
inspects rows; :mod:`cop.privacy.permissions` refuses add, change and delete.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from cop.privacy.models import Criterion, Framework, RedFlag
from cop.privacy.permissions import ReferenceDataPermissionPolicy

# Registered before any viewset asks for a policy, or Wagtail creates its fallback.
for _model in (Criterion, Framework, RedFlag):
    register_permission_policy(_model, ReferenceDataPermissionPolicy(_model))


class CriterionIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("domain", "module")


class RedFlagIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return super().get_base_queryset().select_related("severity")


class ReferenceDataViewSet(ModelViewSet):
    """Listing and inspect views only; the files own every row."""

    inspect_view_enabled = True
    copy_view_enabled = False
    sort_order_field = None  # the files own the order too
    # Required by ModelViewSet; the edit form is unreachable (the policy refuses "change").
    form_fields = ["title"]

    def get_permissions_to_register(self) -> Any:
        # The policy ignores Django model permissions; offering them in the group
        # editor would suggest an edit right that does not exist.
        return Permission.objects.none()


class CriterionViewSet(ReferenceDataViewSet):
    model = Criterion
    name = "privacy_criteria"
    url_prefix = "privacy/criteria"
    icon = "list-ul"
    menu_label = "Criteria"
    index_view_class = CriterionIndexView
    list_display = ["code", "title", "domain", "module", "scale_kind", "retired_at"]
    list_filter = ["domain", "module", "scale_kind"]
    search_fields = ["code", "title", "summary"]
    ordering = ["domain__order", "code"]
    inspect_view_fields = [
        "code", "title", "summary", "notes", "domain", "module",
        "scale_kind", "scale", "derived_from", "retired_at",
    ]  # fmt: skip


class RedFlagViewSet(ReferenceDataViewSet):
    model = RedFlag
    name = "privacy_red_flags"
    url_prefix = "privacy/red-flags"
    icon = "warning"
    menu_label = "Red flags"
    index_view_class = RedFlagIndexView
    list_display = ["code", "title", "severity", "retired_at"]
    list_filter = ["severity"]
    search_fields = ["code", "title", "look_for", "better"]
    ordering = ["order", "code"]
    inspect_view_fields = [
        "code", "title", "look_for", "better", "severity", "related_criteria",
        "sources", "retired_at",
    ]  # fmt: skip


class FrameworkViewSet(ReferenceDataViewSet):
    model = Framework
    name = "privacy_frameworks"
    url_prefix = "privacy/frameworks"
    icon = "doc-full"
    menu_label = "Frameworks"
    list_display = ["code", "title", "publisher", "year", "partial", "verification"]
    search_fields = ["code", "title", "publisher"]
    ordering = ["order", "code"]


class PrivacyReferenceGroup(ModelViewSetGroup):
    menu_label = "Privacy reference"
    menu_icon = "lock"
    menu_order = 400
    items = (CriterionViewSet, RedFlagViewSet, FrameworkViewSet)


@hooks.register("register_admin_viewset")
def register_privacy_reference_viewsets() -> ModelViewSetGroup:
    return PrivacyReferenceGroup()


# Deleting accounts in the admin leads to the erasure (registers itself on import).
from cop.privacy import wagtail_hooks_erasure  # noqa: E402, F401

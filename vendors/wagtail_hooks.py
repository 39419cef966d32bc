"""The "Vendors" area of the Wagtail admin: disclosures, roadmap items, freshness setting.

Who sees and does what is decided by :mod:`vendors.permissions` (permission policies
registered in ``VendorsConfig.ready``). Every view of one object first goes through an
``access_*`` accessor, so that a representative of vendor B asking for vendor A's
disclosure gets a 404, exactly as for one that does not exist.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.contrib.settings.registry import register_setting
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from vendors import permissions, selectors, services
from vendors.forms import DisclosureForm, ProductForm, RoadmapItemForm
from vendors.models import Disclosure, DisclosureSettings, Product, RoadmapItem
from vendors.services.products import PRODUCT_FIELDS
from vendors.services.roadmap import EDITABLE_FIELDS


def _guard_object_views(urlpatterns: list[Any], accessor: Any) -> list[Any]:
    """Wrap every URL that names an object so that it 404s unless ``accessor`` allows it."""
    for pattern in urlpatterns:
        if "pk" not in str(pattern.pattern):
            continue
        view = pattern.callback

        @functools.wraps(view)
        def guarded(request: Any, *args: Any, _view: Any = view, **kwargs: Any) -> Any:
            accessor(request.user, unquote(str(kwargs["pk"])))
            return _view(request, *args, **kwargs)

        pattern.callback = guarded
    return urlpatterns


class DisclosureViewSet(SnippetViewSet):
    model = Disclosure
    icon = "doc-full"
    menu_label = _("Disclosures")
    url_prefix = "vendors/disclosures"
    copy_view_enabled = False  # one disclosure per product
    list_display = [
        "__str__",
        Column("vendor", label=_("Vendor"), accessor="product.organisation.name"),
    ]
    search_fields = ["product__name"]
    ordering = ["product__name"]
    edit_handler = ObjectList(Disclosure.panels, base_form_class=DisclosureForm)

    def get_queryset(self, request: Any) -> Any:
        return selectors.disclosures_for_admin(viewer=request.user)

    def get_urlpatterns(self) -> list[Any]:
        return _guard_object_views(
            super().get_urlpatterns(), permissions.access_disclosure_for_edit
        )


class RoadmapItemCreateView(CreateView):
    def save_instance(self) -> RoadmapItem:
        data = self.form.cleaned_data
        return services.roadmap_item_create(
            product=data["product"],
            actor=self.request.user,
            criteria=data.get("criteria"),
            status=data["new_status"],
            note=data.get("status_note", ""),
            **{
                name: data.get(name, getattr(self.form.instance, name))
                for name in EDITABLE_FIELDS
            },
        )


class RoadmapItemEditView(EditView):
    @transaction.atomic
    def save_instance(self) -> RoadmapItem:
        data = self.form.cleaned_data
        item = services.roadmap_item_update(
            item=self.form.instance,
            actor=self.request.user,
            criteria=data.get("criteria"),
            **{name: data[name] for name in EDITABLE_FIELDS if name in data},
        )
        services.roadmap_item_change_status(
            item=item,
            actor=self.request.user,
            status=data["new_status"],
            note=data.get("status_note", ""),
        )
        item.refresh_from_db()
        return item


class RoadmapItemViewSet(SnippetViewSet):
    model = RoadmapItem
    icon = "date"
    menu_label = _("Roadmap items")
    url_prefix = "vendors/roadmap"
    copy_view_enabled = False  # a copy would skip the status history
    add_view_class = RoadmapItemCreateView
    edit_view_class = RoadmapItemEditView
    list_display = [
        "title",
        Column("product", label=_("Product"), accessor="product.name"),
        "status",
        "target_quarter",
        "feedback_wanted",
    ]
    list_filter = ["status", "feedback_wanted"]
    search_fields = ["title"]
    edit_handler = ObjectList(RoadmapItem.panels, base_form_class=RoadmapItemForm)

    def get_queryset(self, request: Any) -> Any:
        return selectors.roadmap_items_for_admin(viewer=request.user)

    def get_urlpatterns(self) -> list[Any]:
        return _guard_object_views(
            super().get_urlpatterns(), permissions.access_roadmap_item_for_edit
        )


class ProductCreateView(CreateView):
    def save_instance(self) -> Product:
        data = self.form.cleaned_data
        return services.product_create(
            actor=self.request.user, **{k: data[k] for k in PRODUCT_FIELDS}
        )


class ProductEditView(EditView):
    def save_instance(self) -> Product:
        data = self.form.cleaned_data
        # The form has already copied the new values onto its instance.
        stored = Product.objects.get(pk=self.form.instance.pk)
        return services.product_update(
            product=stored,
            actor=self.request.user,
            **{k: data[k] for k in PRODUCT_FIELDS},
        )


class ProductViewSet(SnippetViewSet):
    """Moderators onboard a vendor's products (the vendor is an organisation)."""

    model = Product
    icon = "tag"
    menu_label = _("Products")
    url_prefix = "vendors/products"
    copy_view_enabled = False
    add_view_class = ProductCreateView
    edit_view_class = ProductEditView
    list_display = [
        "name",
        Column("vendor", label=_("Vendor"), accessor="organisation.name"),
        "product_type",
        "website",
    ]
    list_filter = ["product_type"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [FieldPanel(name) for name in PRODUCT_FIELDS], base_form_class=ProductForm
    )

    def get_queryset(self, request: Any) -> Any:
        return Product.objects.select_related("organisation")


class VendorsViewSetGroup(SnippetViewSetGroup):
    items = (DisclosureViewSet, RoadmapItemViewSet, ProductViewSet)
    menu_icon = "site"
    menu_label = _("Vendors")
    menu_name = "vendors"


register_snippet(VendorsViewSetGroup)
register_setting(DisclosureSettings, icon="time")


class NeedsUpdatePanel(Component):
    """Dashboard panel: answers to update after a roadmap item shipped (per product)."""

    name = "vendors_needs_update"
    order = 90
    template_name = "vendors/admin/needs_update_panel.html"

    def __init__(self, rows: list[tuple[Any, list[Any]]]) -> None:
        self.rows = rows

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        return {"rows": self.rows}


@hooks.register("before_serve_document")
def evidence_document_guard(document: Any, request: Any) -> None:
    """Keep a draft's evidence PDF private until a published version cites it."""
    if not permissions.can_read_evidence_document(request.user, document):
        raise Http404


@hooks.register("construct_homepage_panels")
def add_needs_update_panel(request: Any, panels: list[Any]) -> None:
    products = selectors.products_for_editor(viewer=request.user)
    rows = [(p, selectors.roadmap_needs_update(product=p)) for p in products]
    rows = [(p, items) for p, items in rows if items]
    if rows:
        panels.append(NeedsUpdatePanel(rows))

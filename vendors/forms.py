"""Admin forms of disclosures and roadmap items (Wagtail ``base_form_class``).

They narrow choices to what the user may touch and add the checks that need the
whole form (duplicate criteria, criteria of the product's type). Field-level rules
live in :mod:`vendors.validation`, which the models' ``clean()`` call.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from cop.privacy.models import Criterion
from vendors.models import Product, RoadmapStatus


def _applicable_modules(product: Product | None) -> tuple[str, ...] | None:
    return product.criterion_modules() if product is not None else None


class DisclosureForm(WagtailAdminModelForm):
    """The disclosure editor: the product is fixed once chosen; answers are checked together."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from vendors.selectors import products_for_editor

        if "product" in self.fields:
            if self.instance.pk:
                self.fields["product"].disabled = True
                self.fields["product"].queryset = Product.objects.filter(
                    pk=self.instance.product_id
                )
            else:
                self.fields["product"].queryset = products_for_editor(
                    viewer=self.for_user
                ).filter(disclosure__isnull=True)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        product = cleaned.get("product") or (
            self.instance.product if self.instance.product_id else None
        )
        modules = _applicable_modules(product)
        formset = self.formsets.get("answers") if hasattr(self, "formsets") else None
        if formset is None:
            return cleaned
        seen: set[int] = set()
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None) or {}
            criterion = data.get("criterion")
            if criterion is None or data.get("DELETE"):
                continue
            if criterion.pk in seen:
                form.add_error(
                    "criterion", _("This criterion is already answered above.")
                )
            seen.add(criterion.pk)
            if modules is not None and criterion.module.code not in modules:
                form.add_error(
                    "criterion", _("This criterion does not apply to this product.")
                )
        return cleaned


class RoadmapItemForm(WagtailAdminModelForm):
    """A roadmap item; its status changes through the service, with a dated note."""

    new_status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=RoadmapStatus.choices
    )
    status_note = forms.CharField(
        label=gettext_lazy("Note on the status change"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from vendors.selectors import products_for_editor

        self.fields["new_status"].initial = (
            self.instance.status or RoadmapStatus.PLANNED
        )
        if "product" in self.fields:
            if self.instance.pk:
                self.fields["product"].disabled = True
                self.fields["product"].queryset = Product.objects.filter(
                    pk=self.instance.product_id
                )
            else:
                self.fields["product"].queryset = products_for_editor(
                    viewer=self.for_user
                )
        if "criteria" in self.fields:
            self.fields["criteria"].queryset = (
                Criterion.objects.current().select_related("module").order_by("code")
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        product = cleaned.get("product") or (
            self.instance.product if self.instance.product_id else None
        )
        modules = _applicable_modules(product)
        criteria = cleaned.get("criteria") or []
        if modules is not None and any(c.module.code not in modules for c in criteria):
            self.add_error(
                "criteria", _("A chosen criterion does not apply to this product.")
            )
        return cleaned


class ProductForm(WagtailAdminModelForm):
    """A product: only vendors and the community own products; slugs say so."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].help_text = _(
                "The product's address: /vendors/<vendor>/<slug>/. Lowercase letters, "
                "digits and hyphens."
            )
        if "website" in self.fields:
            self.fields["website"].assume_scheme = "https"

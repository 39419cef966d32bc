"""Libraries' priorities: which criteria a library wants improved, and roadmap support.

A priority is the voice of a library *organisation*, not of a person: several workers
of one library set one shared list (at most five criteria per product, or per product
type). The worker who set it is kept only so that erasing that member removes it.
Only the quarter it was set in is stored (no finer time): everything public about
priorities is an aggregate (:mod:`cop.privacy.aggregates`).
"""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import models
from django.db.models import Q

from vendors.models.products import Product
from vendors.models.roadmap import QUARTER_VALIDATOR

#: At most this many criteria per library and product (or product type).
MAX_PRIORITIES: Final = 5


class Priority(models.Model):
    """One criterion a library wants improved, for one product or every product of a type."""

    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="priorities",
        limit_choices_to={"kind": "library"},
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="priorities",
    )
    product_type = models.CharField(
        max_length=20, blank=True, choices=Product.ProductType.choices
    )
    criterion = models.ForeignKey(
        "privacy.Criterion", on_delete=models.CASCADE, related_name="priorities"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.CharField(max_length=7, validators=[QUARTER_VALIDATOR])

    class Meta:
        ordering = ["organisation_id", "product_id", "product_type", "criterion_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(product_type=""))
                | (Q(product__isnull=True) & ~Q(product_type="")),
                name="vendors_priority_product_xor_type",
            ),
            models.UniqueConstraint(
                fields=["organisation", "product", "criterion"],
                condition=Q(product__isnull=False),
                name="uniq_priority_per_org_product_criterion",
            ),
            models.UniqueConstraint(
                fields=["organisation", "product_type", "criterion"],
                condition=Q(product__isnull=True),
                name="uniq_priority_per_org_type_criterion",
            ),
        ]
        indexes = [
            models.Index(
                fields=["product", "criterion"], name="vendors_priority_cell_idx"
            ),
            models.Index(
                fields=["product_type", "criterion"], name="vendors_priority_type_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"priority #{self.pk}"


class RoadmapSupport(models.Model):
    """A library's "we need this" on a roadmap item (one per library and item)."""

    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        related_name="roadmap_supports",
        limit_choices_to={"kind": "library"},
    )
    item = models.ForeignKey(
        "vendors.RoadmapItem", on_delete=models.CASCADE, related_name="supports"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    quarter = models.CharField(max_length=7, validators=[QUARTER_VALIDATOR])

    class Meta:
        ordering = ["item_id", "organisation_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item"], name="uniq_roadmap_support_per_org"
            ),
        ]

    def __str__(self) -> str:
        return f"roadmap support #{self.pk}"

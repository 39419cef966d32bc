"""Vendor models: the products that vendors (and the community itself) offer."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from django.db import models
from django.db.models import Q

from cop.db import TimeStampedModel

#: Criterion module that applies to every product, whatever its type.
CORE_CRITERION_MODULE: Final = "core"

#: Product type -> the criterion module (``cop/privacy/data/criteria.yaml``) that applies
#: to products of that type on top of :data:`CORE_CRITERION_MODULE`. ``other`` has no
#: module of its own: such products answer the core criteria only.
PRODUCT_TYPE_CRITERION_MODULES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "lms": "ILS",
        "discovery": "DSC",
        "content": "CNT",
        "k12": "K12",
    }
)


class Product(TimeStampedModel):
    """A product or service offered by an organisation, the subject of disclosures.

    Vendors own products; the community organisation owns one too ("cop platform"), so
    that cop discloses its own practices the same way vendors do.
    """

    class ProductType(models.TextChoices):
        LMS = "lms", "Library management system"
        DISCOVERY = "discovery", "Discovery / OPAC"
        CONTENT = "content", "Content / e-book platform"
        K12 = "k12", "K-12"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"kind__in": ["vendor", "community"]},
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    product_type = models.CharField(max_length=20, choices=ProductType.choices)
    description = models.TextField(blank=True, max_length=2000)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="uniq_product_slug_per_org"
            ),
            models.CheckConstraint(
                condition=Q(
                    product_type__in=["lms", "discovery", "content", "k12", "other"]
                ),
                name="product_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def criterion_modules(self) -> tuple[str, ...]:
        """Return the criterion modules this product answers: core, then its type's module."""
        module = PRODUCT_TYPE_CRITERION_MODULES.get(self.product_type)
        return (CORE_CRITERION_MODULE, module) if module else (CORE_CRITERION_MODULE,)

"""VPD (Vendor Privacy Disclosure) criteria, their domains, modules and options."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cop.privacy.models.base import ReferenceModel
from cop.privacy.models.frameworks import FrameworkItem

# The module whose criteria apply to every product.
CORE_MODULE = "core"


class ScaleKind(models.TextChoices):
    """The shape of an answer to a criterion (see ``scale_kinds`` in criteria.yaml)."""

    ORDINAL = "ordinal", "Ordinal (one option on a ladder)"
    BOOLEAN = "boolean", "Boolean (one of two options)"
    MULTI = "multi", "Multiple choice (several options)"
    TABLE = "table", "Table (one option per row)"
    LIST = "list", "List (overall option plus entries)"


class Domain(ReferenceModel):
    """A thematic group of criteria, e.g. ``RET`` (retention and deletion)."""

    code = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Module(ReferenceModel):
    """A product type whose criteria apply only to it; ``core`` applies to all."""

    code = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Criterion(ReferenceModel):
    """One point a vendor discloses about a product, e.g. ``VPD-RET-01``.

    ``scale`` keeps the parts of the answer shape that are not options: ``rows`` and
    ``rows_open`` (table), ``fields`` and ``entry_fields`` (list). ``derived_from``
    keeps the references exactly as the file lists them; ``derived_items`` links
    the ones that are framework items.
    """

    code = models.CharField(max_length=32, unique=True)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="criteria"
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="criteria"
    )
    title = models.CharField(max_length=300)
    summary = models.TextField()
    notes = models.TextField(blank=True)
    scale_kind = models.CharField(max_length=16, choices=ScaleKind.choices)
    scale = models.JSONField(default=dict, blank=True)
    derived_from = models.JSONField(default=list, blank=True)
    derived_items = models.ManyToManyField(
        FrameworkItem, related_name="criteria", blank=True
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_kind__in=ScaleKind.values),
                name="privacy_criterion_scale_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def is_core(self) -> bool:
        """Return whether the criterion applies to every product."""
        return self.module.code == CORE_MODULE


class CriterionOption(ReferenceModel):
    """One possible answer to a criterion; rank 1 is the most protective.

    Compare answers by ``rank``, never by ``key``. For ``multi`` scales the rank
    orders each choice from least to most intrusive.
    """

    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="options"
    )
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    rank = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion_id", "rank", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "key"], name="uniq_privacy_option_criterion_key"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="privacy_option_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}/{self.key}"

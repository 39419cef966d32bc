"""Library-privacy frameworks, their items, and the other sources criteria cite."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cop.privacy.models.base import ReferenceModel


class Verification(models.TextChoices):
    """How far the item list of a framework was checked against its source."""

    AUTHORITATIVE_SOURCE = "authoritative_source", "Authoritative source"
    STORED_COPY = "stored_copy", "Stored copy"
    SECONDARY_LIST = "secondary_list", "Secondary list"


class Framework(ReferenceModel):
    """A published privacy framework, e.g. an ALA checklist or the NISO principles."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500)
    # True when the item list is known to be incomplete (truncated source copy).
    partial = models.BooleanField(default=False)
    verification = models.CharField(max_length=32, choices=Verification.choices)
    notes = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verification__in=Verification.values),
                name="privacy_framework_verification_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class FrameworkItem(ReferenceModel):
    """One point of a framework (an ALA checklist action or a NISO principle)."""

    code = models.CharField(max_length=32, unique=True)
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="items"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # ALA priority tier 1-3; null where the framework has no tiers (NISO).
    tier = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    # True when the item text itself was cut off in the source copy.
    truncated = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework__order", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__in=[1, 2, 3]),
                name="privacy_frameworkitem_tier_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Source(ReferenceModel):
    """A cited document or practice that is not a framework item (a source tag)."""

    tag = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    # False when taken from general knowledge or a secondary summary.
    verified = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "tag"]

    def __str__(self) -> str:
        return f"{self.tag}: {self.title}"

"""Licensing red flags library workers can raise against a product."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from cop.privacy.models.base import ReferenceModel
from cop.privacy.models.criteria import Criterion


class Severity(ReferenceModel):
    """How serious a red flag is; rank 1 (blocker) is the most serious."""

    key = models.CharField(max_length=32, unique=True)
    label = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank", "key"]
        verbose_name_plural = "severities"
        constraints = [
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="privacy_severity_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RedFlag(ReferenceModel):
    """A contract or policy pattern to flag, e.g. ``RF-04`` (vendor owns user data).

    ``sources`` keeps the references exactly as the file lists them (framework ids,
    framework item ids or source tags).
    """

    code = models.CharField(max_length=16, unique=True)
    title = models.CharField(max_length=300)
    look_for = models.TextField()
    better = models.TextField()
    severity = models.ForeignKey(
        Severity, on_delete=models.PROTECT, related_name="red_flags"
    )
    related_criteria = models.ManyToManyField(
        Criterion, related_name="red_flags", blank=True
    )
    sources = models.JSONField(default=list, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith="RF-"),
                name="privacy_redflag_code_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

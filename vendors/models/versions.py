"""Immutable snapshots of every published disclosure: the changelog and the API read these."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureVersionQuerySet(models.QuerySet["DisclosureVersion"]):
    """Snapshots are never changed in bulk either."""

    def update(self, **kwargs: Any) -> int:
        raise TypeError("DisclosureVersion rows are immutable")


class DisclosureVersion(models.Model):
    """What a disclosure said when it was published (one row per publish, numbered 1..n).

    Written only by :func:`vendors.services.disclosure_version_record` (a handler of
    Wagtail's ``published`` signal). ``answers`` maps every criterion that applied at
    publish time to its answer record (``status`` ``not_disclosed`` for gaps);
    ``scales`` keeps each criterion's scale kind, title and option ranks as they were,
    so that old versions compare correctly after the reference data changes;
    ``coverage`` keeps the counts. See /work/notes/vendors-models.md for the shapes.
    """

    disclosure = models.ForeignKey(
        "vendors.Disclosure", on_delete=models.PROTECT, related_name="versions"
    )
    product = models.ForeignKey(
        "vendors.Product", on_delete=models.PROTECT, related_name="disclosure_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    revision = models.OneToOneField(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(default=dict)
    scales = models.JSONField(default=dict)
    coverage = models.JSONField(default=dict)

    objects = DisclosureVersionQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "number"], name="vendors_uniq_version_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1),
                name="vendors_version_number_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Invariant, not business logic: a published version is a historical record.
        if not self._state.adding:
            raise TypeError("DisclosureVersion rows are immutable")
        super().save(*args, **kwargs)

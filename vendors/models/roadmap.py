"""A vendor's improvement timeline: roadmap items and the dated history of their status."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

from cop.db import TimeStampedModel
from vendors.models.choices import RoadmapStatus

QUARTER_VALIDATOR = RegexValidator(
    r"^20[0-9]{2}-Q[1-4]$", _("Write the quarter as YYYY-Qn, e.g. 2027-Q1.")
)


class RoadmapItem(TimeStampedModel):
    """A planned change to a product, optionally tied to the criteria it improves.

    Edited directly by the vendor's representatives (no review). ``status`` changes
    only through :func:`vendors.services.roadmap_item_change_status`, which keeps a
    dated :class:`RoadmapStatusChange` and an audit entry.
    """

    product = models.ForeignKey(
        "vendors.Product", on_delete=models.CASCADE, related_name="roadmap_items"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    criteria = models.ManyToManyField(
        "privacy.Criterion",
        blank=True,
        related_name="roadmap_items",
        verbose_name=_("criteria it improves"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoadmapStatus.choices,
        default=RoadmapStatus.PLANNED,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    target_quarter = models.CharField(
        _("target quarter"), max_length=7, blank=True, validators=[QUARTER_VALIDATOR]
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    known_limitations = models.TextField(
        _("known limitations"), blank=True, max_length=2000
    )
    feedback_wanted = models.BooleanField(_("feedback wanted"), default=False)

    panels = [
        FieldPanel("product"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("criteria"),
        MultiFieldPanel(
            [FieldPanel("new_status"), FieldPanel("status_note")], heading=_("Status")
        ),
        MultiFieldPanel(
            [FieldPanel("target_quarter"), FieldPanel("target_date")],
            heading=_("Target"),
        ),
        FieldPanel("known_limitations"),
        FieldPanel("feedback_wanted"),
    ]

    class Meta:
        ordering = ["product_id", "status", "target_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RoadmapStatus.values),
                name="vendors_roadmap_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RoadmapStatusChange(models.Model):
    """One dated status change of a roadmap item (append-only history)."""

    item = models.ForeignKey(
        RoadmapItem, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        max_length=20, choices=RoadmapStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=20, choices=RoadmapStatus.choices)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["item_id", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status__in=RoadmapStatus.values),
                name="vendors_roadmap_change_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="vendors_roadmap_change_is_a_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_status or '-'} -> {self.to_status}"

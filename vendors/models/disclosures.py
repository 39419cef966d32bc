"""A product's privacy disclosure: one answer per applicable criterion, with evidence.

``Disclosure`` is a Wagtail snippet with the full set of editorial mixins, in the order
Wagtail checks: the database row (and its child ``Answer``/``EvidenceItem`` rows) holds
the *live* content once published; drafts live in revisions until a moderator approves
them. Public readers never read these rows directly: they read the immutable
:class:`~vendors.models.versions.DisclosureVersion` written on every publish.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from vendors.models.choices import (
    AnswerStatus,
    Configurability,
    DocumentType,
    EvidenceBasis,
)


class Disclosure(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    ClusterableModel,
):
    """The privacy disclosure of one product (exactly one per product).

    Drafted by the vendor's verified representatives, published by a moderator through
    the "Disclosure review" workflow. Criteria without an answer count as not disclosed.
    """

    product = models.OneToOneField(
        "vendors.Product",
        on_delete=models.PROTECT,
        related_name="disclosure",
        verbose_name=_("product"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("product"),
        InlinePanel("answers", heading=_("Answers"), label=_("Answer")),
    ]

    class Meta:
        ordering = ["product__name"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")

    def __str__(self) -> str:
        return str(_("Disclosure: %(product)s") % {"product": self.product})

    def get_preview_template(self, request: Any, mode_name: str) -> str:
        return "vendors/admin/disclosure_preview.html"

    def get_preview_context(self, request: Any, mode_name: str) -> dict[str, Any]:
        from vendors.services.snapshots import disclosure_snapshot

        context: dict[str, Any] = super().get_preview_context(request, mode_name)
        context["snapshot"] = disclosure_snapshot(disclosure=self)
        return context


class Answer(Orderable, ClusterableModel):
    """The answer to one criterion for the disclosure's product.

    ``value`` follows the criterion's scale kind (criteria.yaml ``answer_shape``):
    ordinal/boolean a single option key, multi a list of keys, table a mapping of row
    key to ``{"option": key, <row fields>}``, list ``{"option": key, "entries": [...]}``.
    ``fields`` holds the scale's answer-level ``fields`` (not used by tables, whose
    fields are per row). Checked by :mod:`vendors.validation`.
    """

    disclosure = ParentalKey(
        Disclosure, on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        "privacy.Criterion",
        on_delete=models.PROTECT,
        related_name="vendor_answers",
        verbose_name=_("criterion"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AnswerStatus.choices,
        default=AnswerStatus.ANSWERED,
    )
    status_reason = models.TextField(
        _("reason it does not apply"), blank=True, max_length=1000
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    fields = models.JSONField(_("details"), default=dict, blank=True)
    configurability = models.CharField(
        _("who can change it"),
        max_length=30,
        choices=Configurability.choices,
        blank=True,
    )
    default_option = models.CharField(
        _("default option"),
        max_length=64,
        blank=True,
        help_text=_("Option key in effect out of the box, when it can be changed."),
    )
    basis = models.CharField(
        _("evidence basis"), max_length=40, choices=EvidenceBasis.choices, blank=True
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)
    product_version = models.CharField(_("product version"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    roadmap_item = models.ForeignKey(
        "vendors.RoadmapItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("roadmap item"),
    )

    panels = [
        FieldPanel("criterion"),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("status_reason")], heading=_("Status")
        ),
        FieldPanel("value"),
        FieldPanel("fields"),
        MultiFieldPanel(
            [FieldPanel("configurability"), FieldPanel("default_option")],
            heading=_("Configurability"),
        ),
        FieldPanel("basis"),
        FieldPanel("as_of"),
        FieldPanel("product_version"),
        FieldPanel("note"),
        FieldPanel("roadmap_item"),
        InlinePanel("evidence", heading=_("Evidence"), label=_("Evidence item")),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(
                fields=["disclosure", "criterion"],
                name="vendors_uniq_answer_per_criterion",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AnswerStatus.values),
                name="vendors_answer_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnswerStatus.NOT_APPLICABLE) | ~Q(status_reason=""),
                name="vendors_answer_not_applicable_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=AnswerStatus.ANSWERED)
                | (~Q(basis="") & ~Q(configurability="") & Q(as_of__isnull=False)),
                name="vendors_answer_answered_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(configurability="")
                | Q(configurability__in=Configurability.values),
                name="vendors_answer_configurability_valid",
            ),
            models.CheckConstraint(
                condition=Q(basis="") | Q(basis__in=EvidenceBasis.values),
                name="vendors_answer_basis_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.status}"

    def clean(self) -> None:
        from vendors.validation import answer_validate

        answer_validate(answer=self)


class EvidenceItem(Orderable):
    """A citation behind an answer: a URL or an uploaded document, with a short quote."""

    answer = ParentalKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(_("URL"), blank=True, max_length=500)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    document_type = models.CharField(
        _("document type"),
        max_length=40,
        choices=DocumentType.choices,
        default=DocumentType.OTHER,
    )
    section = models.CharField(_("section"), max_length=200, blank=True)
    excerpt = models.TextField(
        _("short quote"),
        blank=True,
        max_length=1000,
        help_text=_("A short quote or a section reference, not a whole document."),
    )
    retrieved_on = models.DateField(_("date"), null=True, blank=True)

    panels = [
        FieldPanel("url"),
        FieldPanel("document"),
        FieldPanel("document_type"),
        FieldPanel("section"),
        FieldPanel("excerpt"),
        FieldPanel("retrieved_on"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("evidence item")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | Q(document__isnull=False),
                name="vendors_evidence_has_url_or_document",
            ),
            models.CheckConstraint(
                condition=Q(document_type__in=DocumentType.values),
                name="vendors_evidence_document_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.url or self.section or str(self.document_id)

    def clean(self) -> None:
        from vendors.validation import evidence_validate

        evidence_validate(evidence=self)

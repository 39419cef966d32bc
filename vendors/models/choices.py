"""Choice sets of disclosures and roadmaps (the ``answer_record`` of criteria.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class AnswerStatus(models.TextChoices):
    """Whether the vendor answered a criterion; unanswered criteria are not disclosed."""

    ANSWERED = "answered", _("Answered")
    NOT_DISCLOSED = "not_disclosed", _("Not disclosed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Configurability(models.TextChoices):
    """Who can change the behaviour an answer describes."""

    FIXED_BY_VENDOR = "fixed_by_vendor", _("Fixed by the vendor")
    LIBRARY_CONFIGURABLE = "library_configurable", _("The library can change it")
    USER_CONFIGURABLE = "user_configurable", _("The end user can change it")


class EvidenceBasis(models.TextChoices):
    """Strength of the evidence behind an answer; see :data:`EVIDENCE_BASIS_RANK`."""

    CONTRACT_CLAUSE = "contract_clause", _("Contract clause")
    INDEPENDENT_AUDIT = "independent_audit", _("Independent audit or certification")
    PUBLIC_POLICY = "public_policy", _("Public privacy policy")
    PRODUCT_DOCUMENTATION = "product_documentation", _("Product documentation")
    VENDOR_ATTESTATION_ON_PLATFORM = (
        "vendor_attestation_on_platform",
        _("Vendor statement on this platform"),
    )
    LIBRARY_OBSERVED = "library_observed", _("Observed by a library")


#: Evidence basis -> rank; 1 is the strongest evidence (criteria.yaml ``basis``).
EVIDENCE_BASIS_RANK: Final[Mapping[str, int]] = MappingProxyType(
    {key: rank for rank, key in enumerate(EvidenceBasis.values, start=1)}
)


class DocumentType(models.TextChoices):
    """The kind of document an evidence item cites."""

    CONTRACT = "contract", _("Contract")
    DATA_PROCESSING_AGREEMENT = (
        "data_processing_agreement",
        _("Data-processing agreement"),
    )
    PRIVACY_POLICY = "privacy_policy", _("Privacy policy")
    TERMS_OF_SERVICE = "terms_of_service", _("Terms of service")
    PRODUCT_DOCUMENTATION = "product_documentation", _("Product documentation")
    AUDIT_OR_CERTIFICATION = (
        "audit_or_certification",
        _("Audit report or certification"),
    )
    TRUST_CENTER = "trust_center", _("Trust-center page")
    PLATFORM_STATEMENT = "platform_statement", _("Statement on this platform")
    LIBRARY_OBSERVATION = "library_observation", _("Library observation")
    OTHER = "other", _("Other")


class RoadmapStatus(models.TextChoices):
    """Where a roadmap item stands; every change is kept as a RoadmapStatusChange."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    DEFERRED = "deferred", _("Deferred")
    CANCELLED = "cancelled", _("Cancelled")

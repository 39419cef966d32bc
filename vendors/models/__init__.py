"""Vendor models, one module per concept; import them from here.

- products: :class:`Product` and the product type -> criterion modules mapping.
- disclosures: :class:`Disclosure` (Wagtail snippet with workflow), :class:`Answer`,
  :class:`EvidenceItem`.
- versions: :class:`DisclosureVersion`, the immutable snapshot of each publish.
- roadmap: :class:`RoadmapItem` and :class:`RoadmapStatusChange`.
- priorities: libraries' :class:`Priority` and :class:`RoadmapSupport`.
- settings: :class:`DisclosureSettings` (freshness window).
- workflow: :class:`DisclosureReviewTask`.
"""

from vendors.models.choices import (
    EVIDENCE_BASIS_RANK,
    AnswerStatus,
    Configurability,
    DocumentType,
    EvidenceBasis,
    RoadmapStatus,
)
from vendors.models.disclosures import Answer, Disclosure, EvidenceItem
from vendors.models.priorities import MAX_PRIORITIES, Priority, RoadmapSupport
from vendors.models.products import (
    CORE_CRITERION_MODULE,
    PRODUCT_TYPE_CRITERION_MODULES,
    Product,
)
from vendors.models.roadmap import RoadmapItem, RoadmapStatusChange
from vendors.models.settings import DEFAULT_STALE_AFTER_MONTHS, DisclosureSettings
from vendors.models.versions import DisclosureVersion
from vendors.models.workflow import DisclosureReviewTask

__all__ = [
    "CORE_CRITERION_MODULE",
    "DEFAULT_STALE_AFTER_MONTHS",
    "EVIDENCE_BASIS_RANK",
    "MAX_PRIORITIES",
    "PRODUCT_TYPE_CRITERION_MODULES",
    "Answer",
    "AnswerStatus",
    "Configurability",
    "Disclosure",
    "DisclosureReviewTask",
    "DisclosureSettings",
    "DisclosureVersion",
    "DocumentType",
    "EvidenceBasis",
    "EvidenceItem",
    "Priority",
    "Product",
    "RoadmapItem",
    "RoadmapStatus",
    "RoadmapStatusChange",
    "RoadmapSupport",
]

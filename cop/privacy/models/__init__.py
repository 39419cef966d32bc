"""Privacy models, one module per concept; import them from here.

The reference data (frameworks, sources, criteria, red flags) is owned by the YAML
files in ``cop/privacy/data/`` and written only by
:func:`cop.privacy.services.reference_data_load`.
"""

from cop.privacy.models.base import ReferenceModel, ReferenceQuerySet
from cop.privacy.models.criteria import (
    CORE_MODULE,
    Criterion,
    CriterionOption,
    Domain,
    Module,
    ScaleKind,
)
from cop.privacy.models.frameworks import Framework, FrameworkItem, Source, Verification
from cop.privacy.models.legal_requests import LegalRequest
from cop.privacy.models.red_flags import RedFlag, Severity
from cop.privacy.models.rights import DataExport, Erasure

__all__ = [
    "CORE_MODULE",
    "Criterion",
    "CriterionOption",
    "DataExport",
    "Domain",
    "Erasure",
    "Framework",
    "FrameworkItem",
    "LegalRequest",
    "Module",
    "RedFlag",
    "ReferenceModel",
    "ReferenceQuerySet",
    "ScaleKind",
    "Severity",
    "Source",
    "Verification",
]

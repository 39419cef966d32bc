"""Services of the privacy app; import them from here.

- :mod:`~cop.privacy.services.reference_data`: loading the reference data files.
- :mod:`~cop.privacy.services.upsert`: the compare-then-write helpers it uses.
"""

from cop.privacy.services.reference_data import reference_data_load
from cop.privacy.services.upsert import KindCounts, LoadReport, ReferenceDataError

__all__ = ["KindCounts", "LoadReport", "ReferenceDataError", "reference_data_load"]

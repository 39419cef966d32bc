"""Services of the vendors app; import them from here.

- :mod:`~vendors.services.disclosures`: drafting, review, publishing, version snapshots.
- :mod:`~vendors.services.roadmap`: roadmap items and their status history.
- :mod:`~vendors.services.priorities`: libraries' priorities and roadmap support.
- :mod:`~vendors.services.changelog`: pure comparison of two published versions.
- :mod:`~vendors.services.snapshots`: a disclosure as snapshot JSON.
- :mod:`~vendors.services.imports`: a filled spreadsheet into a product's draft.
"""

from vendors.services.changelog import (
    AnswerChange,
    Direction,
    changelog_between,
    changelog_summary,
)
from vendors.services.disclosures import (
    disclosure_answers_check,
    disclosure_create,
    disclosure_publish,
    disclosure_rejection_record,
    disclosure_review,
    disclosure_save_draft,
    disclosure_submit,
    disclosure_version_record,
)
from vendors.services.imports import (
    ImportResult,
    SpreadsheetError,
    disclosure_import,
)
from vendors.services.priorities import (
    PRIORITIES_SCOPE,
    criteria_for_scope,
    priorities_set,
    priorities_withdraw,
    roadmap_support_replace,
    roadmap_support_set,
)
from vendors.services.products import product_create, product_update
from vendors.services.roadmap import (
    roadmap_item_change_status,
    roadmap_item_create,
    roadmap_item_update,
)
from vendors.services.snapshots import Snapshot, disclosure_snapshot

__all__ = [
    "PRIORITIES_SCOPE",
    "AnswerChange",
    "Direction",
    "ImportResult",
    "Snapshot",
    "SpreadsheetError",
    "changelog_between",
    "changelog_summary",
    "criteria_for_scope",
    "disclosure_answers_check",
    "disclosure_create",
    "disclosure_import",
    "disclosure_publish",
    "disclosure_rejection_record",
    "disclosure_review",
    "disclosure_save_draft",
    "disclosure_snapshot",
    "disclosure_submit",
    "disclosure_version_record",
    "priorities_set",
    "priorities_withdraw",
    "product_create",
    "product_update",
    "roadmap_item_change_status",
    "roadmap_item_create",
    "roadmap_item_update",
    "roadmap_support_replace",
    "roadmap_support_set",
]

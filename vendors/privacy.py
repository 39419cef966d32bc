"""The vendors' part of a member's data export and erasure (``cop.privacy.hooks``).

Members' traces here are editorial: roadmap status changes they made, disclosure
versions they published, disclosures they locked. The records stay (vendors' public
history) and lose the person through ``SET_NULL`` when the user row goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cop.privacy.hooks import DataPart, member_data, rows
from vendors.models import Disclosure, DisclosureVersion, RoadmapStatusChange


def export_vendors(user: Any) -> Mapping[str, Any]:
    """Return the vendor records the member acted on, one entry per file."""
    return {
        "roadmap_status_changes": rows(
            RoadmapStatusChange.objects.filter(changed_by=user).order_by("pk"),
            ["item_id", "from_status", "to_status", "changed_at"],
        ),
        "disclosures_published": rows(
            DisclosureVersion.objects.filter(published_by=user).order_by("pk"),
            ["disclosure_id", "number", "published_at"],
        ),
        "disclosures_locked": rows(
            Disclosure.objects.filter(locked_by=user).order_by("pk"),
            ["id", "locked_at"],
        ),
    }


def register() -> None:
    """Register the vendors' part of the member data registry."""
    labels = (
        "vendors.RoadmapStatusChange",
        "vendors.DisclosureVersion",
        "vendors.Disclosure",
    )
    member_data.register(
        "vendors",
        DataPart(export=export_vendors, exports=labels, erases=labels),
        order=200,
    )

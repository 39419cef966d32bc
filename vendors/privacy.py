"""The vendors' part of a member's data export and erasure (``cop.privacy.hooks``).

Members' traces here are editorial: roadmap status changes they made, disclosure
versions they published, disclosures they locked. The records stay (vendors' public
history) and lose the person through ``SET_NULL`` when the user row goes.

Libraries' priorities and roadmap support are the library's voice, but the worker who
set them is stored with them: they are exported to that worker and erased with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cop.privacy.hooks import DataPart, member_data, rows
from vendors.models import (
    Disclosure,
    DisclosureVersion,
    Priority,
    RoadmapStatusChange,
    RoadmapSupport,
)


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
        "library_priorities_set": rows(
            Priority.objects.filter(set_by=user).order_by("pk"),
            [
                "organisation__name",
                "product__name",
                "product_type",
                "criterion__code",
                "quarter",
            ],
        ),
        "roadmap_items_supported": rows(
            RoadmapSupport.objects.filter(set_by=user).order_by("pk"),
            ["organisation__name", "item__title", "quarter"],
        ),
    }


def erase_vendors(*, user: Any, keep_posts: bool) -> None:
    """Remove the priorities and roadmap support the member set for their library.

    The library's count goes down by one where no colleague set the same; editorial
    records stay and lose the person through their foreign keys.
    """
    Priority.objects.filter(set_by=user).delete()
    RoadmapSupport.objects.filter(set_by=user).delete()


def register() -> None:
    """Register the vendors' part of the member data registry."""
    labels = (
        "vendors.RoadmapStatusChange",
        "vendors.DisclosureVersion",
        "vendors.Disclosure",
        "vendors.Priority",
        "vendors.RoadmapSupport",
    )
    member_data.register(
        "vendors",
        DataPart(
            export=export_vendors, erase=erase_vendors, exports=labels, erases=labels
        ),
        order=200,
    )

"""Demo checklist pages: the library management system checklist, by priority."""

from __future__ import annotations

from typing import Any, Final

CHECKLISTS: Final[list[dict[str, Any]]] = [
    {
        "slug": "library-management-system-checklist",
        "title": "Library management system privacy checklist",
        "intro": (
            "Assess your library management system against the ALA checklist, "
            "priority by priority, and note who will take each action on."
        ),
        "framework_code": "ALA-LMS",
        "body": (
            "<p>Priority 1 actions are the ones every library can take now; "
            "priority 2 and 3 often need the vendor's help and make good talking "
            "points at your next contract renewal.</p>"
            "<p>Mark each item as you go. Your answers stay in this browser: "
            "download them as a spreadsheet to share with colleagues, or print the "
            "page and fill it in by hand.</p>"
        ),
    },
]

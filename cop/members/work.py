"""The members' part of "Work waiting": affiliation requests to decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cop.core.work import WorkItem, work_sources
from cop.members import permissions, selectors


def affiliation_requests(viewer: Any) -> WorkItem | None:
    """Return the affiliation requests ``viewer`` may decide (None: not a moderator)."""
    if not permissions.can_review_affiliations(viewer):
        return None
    return WorkItem(
        label=_("Affiliation requests"),
        count=selectors.affiliation_queue(viewer=viewer).count(),
        url=reverse("community:affiliation_queue"),
    )


def register() -> None:
    work_sources.register("affiliations", affiliation_requests, order=20)

"""The vendors' part of "Work waiting": disclosures submitted for review."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cop.core.work import WorkItem, work_sources
from vendors import permissions, selectors_editor


def disclosures_to_review(viewer: Any) -> WorkItem | None:
    """Return the disclosures awaiting review, each linked to its review screen."""
    if not permissions.can_review_disclosure(viewer):
        return None
    awaiting = list(selectors_editor.disclosures_awaiting_review(viewer=viewer))
    return WorkItem(
        label=_("Disclosures awaiting review"),
        count=len(awaiting),
        url=reverse("vendors:workspace"),
        links=[
            (
                _("Review %(product)s (%(vendor)s)")
                % {"product": d.product.name, "vendor": d.product.organisation.name},
                reverse("vendors:disclosure_review", kwargs={"disclosure_id": d.pk}),
            )
            for d in awaiting
        ],
    )


def register() -> None:
    work_sources.register("disclosures", disclosures_to_review, order=10)

"""The discussions' part of "Work waiting": the moderation queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cop.core.work import WorkItem, work_sources
from discussions import permissions, selectors


def moderation_queue(viewer: Any) -> WorkItem | None:
    """Return the size of the moderation queue (None: ``viewer`` does not moderate)."""
    if not permissions.can_moderate(viewer):
        return None
    return WorkItem(
        label=_("Moderation queue"),
        count=selectors.moderation_queue_count(viewer=viewer),
        url=reverse("discussions:moderation_queue"),
    )


def register() -> None:
    work_sources.register("moderation", moderation_queue, order=30)

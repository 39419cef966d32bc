"""Changes to guides that are not content edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cop.guides import permissions

if TYPE_CHECKING:
    from cop.guides.models import GuidePage


@transaction.atomic
def guide_mark_reviewed(*, guide: GuidePage, actor: Any) -> GuidePage:
    """Record that ``actor`` reviewed ``guide`` today, without a content change.

    The live row and the latest revision get the same date and reviewer, so a later
    publish of that revision keeps them; no new revision, no workflow.
    """
    permissions.require_guide_reviewer(actor)
    today = timezone.localdate()
    type(guide).objects.filter(pk=guide.pk).update(
        last_reviewed_on=today, reviewed_by=actor
    )
    revision = guide.latest_revision
    if revision is not None:
        revision.content["last_reviewed_on"] = today.isoformat()
        revision.content["reviewed_by"] = actor.pk
        revision.save(update_fields=["content"])
    guide.last_reviewed_on = today
    guide.reviewed_by = actor
    from cop.guides.cache import pages_changed

    pages_changed()
    return guide

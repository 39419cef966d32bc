"""Reads of what a member keeps on the guides: followed sections, saved answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cop.guides.models import SavedChecklistAnswers, SectionFollow

if TYPE_CHECKING:
    from cop.guides.models import ChecklistPage


def section_follows_of(*, viewer: Any) -> frozenset[str]:
    """Return the sections ``viewer`` follows (``guides``, ``events``; one query)."""
    if not getattr(viewer, "is_authenticated", False):
        return frozenset()
    return frozenset(
        SectionFollow.objects.filter(user_id=viewer.pk).values_list(
            "section", flat=True
        )
    )


def section_followers(*, user_ids: list[int]) -> dict[int, frozenset[str]]:
    """Return, for each of ``user_ids`` that follows anything, its sections (one query)."""
    found: dict[int, set[str]] = {}
    rows = SectionFollow.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "section"
    )
    for user_id, section in rows:
        found.setdefault(user_id, set()).add(section)
    return {user_id: frozenset(sections) for user_id, sections in found.items()}


def checklist_answers_of(
    *, viewer: Any, page: ChecklistPage
) -> SavedChecklistAnswers | None:
    """Return ``viewer``'s saved answers to ``page``, or None (one query)."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return SavedChecklistAnswers.objects.filter(user_id=viewer.pk, page=page).first()


def section_follow_state(*, viewer: Any, section: str) -> dict[str, Any]:
    """Return what the one-click follow menu of ``section`` shows ``viewer`` (one query)."""
    from django.urls import reverse

    from cop.guides.models import FollowedSection

    return {
        "section": section,
        "label": FollowedSection(section).label,
        "following": section in section_follows_of(viewer=viewer),
        "action": reverse("guides:section_follow", kwargs={"section": section}),
    }

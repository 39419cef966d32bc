"""The guides' part of a member's data export and erasure (``cop.privacy.hooks``).

A working-group membership is the member's own record (which groups, whether they
chose to be listed by name): it is exported to them and deleted with them, so an
erased member leaves the group's count and its list of names. So are the sections
they follow in their digest and the checklist answers they saved to their account.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cop.guides.models import (
    SavedChecklistAnswers,
    SectionFollow,
    WorkingGroupMembership,
)
from cop.privacy.hooks import DataPart, member_data, rows


def export_guides(user: Any) -> Mapping[str, Any]:
    """Return the member's working groups, followed sections and saved answers."""
    return {
        "working_group_memberships": rows(
            WorkingGroupMembership.objects.filter(user=user).order_by("pk"),
            ["group__title", "listed", "created_at"],
        ),
        "followed_sections": rows(
            SectionFollow.objects.filter(user=user).order_by("pk"),
            ["section", "created_at"],
        ),
        "saved_checklist_answers": rows(
            SavedChecklistAnswers.objects.filter(user=user).order_by("pk"),
            ["page__title", "page__framework_code", "answers", "updated_at"],
        ),
    }


def erase_guides(*, user: Any, keep_posts: bool) -> None:
    """Remove the member from every working group, their follows and saved answers."""
    WorkingGroupMembership.objects.filter(user=user).delete()
    SectionFollow.objects.filter(user=user).delete()
    SavedChecklistAnswers.objects.filter(user=user).delete()


def register() -> None:
    """Register the guides' part of the member data registry."""
    labels = (
        "guides.WorkingGroupMembership",
        "guides.SectionFollow",
        "guides.SavedChecklistAnswers",
    )
    member_data.register(
        "guides",
        DataPart(
            export=export_guides, erase=erase_guides, exports=labels, erases=labels
        ),
    )

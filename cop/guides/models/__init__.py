"""Wagtail page types curated by moderators (one module per content area).

The tree is fixed by each type's ``parent_page_types``/``subpage_types``::

    HomePage (one, the site root)
    ├── GuideIndexPage ── GuidePage, ChecklistPage
    ├── WorkingGroupIndexPage ── WorkingGroupPage
    ├── EventIndexPage ── EventPage
    └── StandardPage ── StandardPage
"""

from cop.guides.models.checklists import ChecklistPage
from cop.guides.models.events import Attendance, EventIndexPage, EventPage
from cop.guides.models.members import (
    FollowedSection,
    SavedChecklistAnswers,
    SectionFollow,
)
from cop.guides.models.pages import (
    GuideIndexPage,
    GuidePage,
    GuidePageTag,
    HomeFeaturedGuide,
    HomePage,
    PeerReviewTask,
    StandardPage,
)
from cop.guides.models.reviews import GuideReviewReminder
from cop.guides.models.working_groups import (
    WorkingGroupIndexPage,
    WorkingGroupMembership,
    WorkingGroupPage,
    WorkingGroupStatus,
)

__all__ = [
    "Attendance",
    "ChecklistPage",
    "EventIndexPage",
    "EventPage",
    "FollowedSection",
    "GuideIndexPage",
    "GuidePage",
    "GuidePageTag",
    "GuideReviewReminder",
    "HomeFeaturedGuide",
    "HomePage",
    "PeerReviewTask",
    "SavedChecklistAnswers",
    "SectionFollow",
    "StandardPage",
    "WorkingGroupIndexPage",
    "WorkingGroupMembership",
    "WorkingGroupPage",
    "WorkingGroupStatus",
]

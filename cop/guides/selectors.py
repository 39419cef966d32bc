"""Reads of the guides pages: lists, featured guides, references, home sections.

Every list runs a fixed number of queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cop.guides import hooks
from cop.guides.blocks import referenced_codes
from cop.guides.hooks import HomeSection

if TYPE_CHECKING:
    from django.core.paginator import Page as PaginatorPage

    from cop.guides.models import (
        ChecklistPage,
        EventIndexPage,
        EventPage,
        GuideIndexPage,
        GuidePage,
        HomePage,
        WorkingGroupIndexPage,
        WorkingGroupMembership,
        WorkingGroupPage,
    )
    from cop.privacy.models import Framework, FrameworkItem


@dataclass(frozen=True)
class Roster:
    """Who is in a working group, as far as members chose to be named."""

    total: int
    listed_names: list[str]

    @property
    def unlisted(self) -> int:
        return self.total - len(self.listed_names)


@dataclass
class ChecklistEntry:
    """One item to assess, with the sub-points that elaborate it."""

    item: FrameworkItem
    points: list[FrameworkItem] = field(default_factory=list)


@dataclass
class ChecklistGroup:
    """The items of one priority tier (or all of a framework without tiers)."""

    tier: int | None
    heading: str
    entries: list[ChecklistEntry] = field(default_factory=list)


@dataclass
class Checklist:
    """A framework laid out for a checklist page."""

    framework: Framework
    groups: list[ChecklistGroup]

    @property
    def item_count(self) -> int:
        return sum(len(group.entries) for group in self.groups)

    @property
    def item_codes(self) -> frozenset[str]:
        """Return the codes of the items a reader assesses (not their sub-points)."""
        return frozenset(
            entry.item.code for group in self.groups for entry in group.entries
        )


def guide_list(*, index: GuideIndexPage, tag: str = "") -> list[GuidePage]:
    """Return the live, public guides under ``index``, newest review first.

    ``tag`` (a slug) keeps only the guides carrying it. Three queries: the guides
    with their reviewer, their tags, and the view restrictions check.
    """
    from cop.guides.models import GuidePage

    guides = (
        GuidePage.objects.live()
        .public()
        .child_of(index)
        .select_related("reviewed_by")
        .prefetch_related("tags")
        .order_by("-last_reviewed_on", "title")
    )
    if tag:
        guides = guides.filter(tags__slug=tag)
    return list(guides)


def guide_tags(*, index: GuideIndexPage) -> QuerySet[Any]:
    """Return the tags used by the live guides under ``index``, by name."""
    from cop.guides.models import GuidePage, GuidePageTag

    pages = GuidePage.objects.live().public().child_of(index).values("pk")
    tags: QuerySet[Any] = (
        GuidePageTag.tag_model()
        .objects.filter(guides_guidepagetag_items__content_object__in=pages)
        .distinct()
        .order_by("name")
    )
    return tags


def featured_guides(*, home: HomePage) -> list[GuidePage]:
    """Return the live guides featured on ``home``, in the moderators' order (1 query)."""
    from cop.guides.models import GuidePage

    guide_ids = [item.guide_id for item in home.featured_guides.all()]
    if not guide_ids:
        return []
    found = {
        guide.pk: guide
        for guide in GuidePage.objects.live().public().filter(pk__in=guide_ids)
    }
    return [found[pk] for pk in guide_ids if pk in found]


def page_references(*, stream: Any) -> dict[str, dict[str, Any]]:
    """Return the criteria and red flags a StreamField refers to, keyed by code.

    One query per kind that is referenced at all; the block templates look the
    codes up in ``ref_criteria`` and ``ref_red_flags``.
    """
    from cop.privacy.models import Criterion, RedFlag

    criteria, flags = referenced_codes(stream)
    return {
        "ref_criteria": (
            {c.code: c for c in Criterion.objects.filter(code__in=criteria)}
            if criteria
            else {}
        ),
        "ref_red_flags": (
            {f.code: f for f in RedFlag.objects.filter(code__in=flags)} if flags else {}
        ),
    }


def reviewer_name(*, page: GuidePage) -> str:
    """Return the display name of the moderator who last reviewed ``page``, or ``""``."""
    reviewer = page.reviewed_by
    return reviewer.display_name if reviewer is not None else ""


def home_sections() -> list[HomeSection]:
    """Return the non-empty sections that other apps give the home page."""
    sections = []
    for _key, provider in hooks.home_sections:
        section = provider()
        if section is not None and section.links:
            sections.append(section)
    return sections


def months_before(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` calendar months earlier (clamped to month end)."""
    return months_after(day, -months)


def months_after(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` calendar months later (clamped to month end)."""
    import calendar

    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return dt.date(
        year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1])
    )


def guides_due_for_review(*, months: int) -> list[GuidePage]:
    """Return the live guides not reviewed for ``months`` months (or never), oldest first."""
    from django.db.models import Q
    from django.utils import timezone

    from cop.guides.models import GuidePage

    cutoff = months_before(timezone.localdate(), months)
    return list(
        GuidePage.objects.live()
        .filter(Q(last_reviewed_on__lte=cutoff) | Q(last_reviewed_on__isnull=True))
        .select_related("reviewed_by")
        .order_by("last_reviewed_on", "title")
    )


def guide_review_due_on(*, guide: GuidePage, months: int, today: dt.date) -> dt.date:
    """Return the day the current review period of an overdue ``guide`` ran out.

    The last review plus a whole number (at least one) of ``months``; for a guide
    never reviewed, its first publish plus a whole number (from zero) of ``months``.
    """
    from django.utils import timezone

    if guide.last_reviewed_on is not None:
        basis, periods = guide.last_reviewed_on, 1
    else:
        published = guide.first_published_at
        basis = timezone.localdate(published) if published else today
        periods = 0
    due = months_after(basis, periods * months)
    while months > 0 and months_after(basis, (periods + 1) * months) <= today:
        periods += 1
        due = months_after(basis, periods * months)
    return due


def moderator_recipients() -> list[tuple[int, str, str]]:
    """Return ``(id, e-mail, display name)`` of the active moderators (1 query)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from cop.members.permissions import MODERATORS_GROUP

    rows = (
        get_user_model()
        .objects.filter(
            Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True), is_active=True
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
        .values_list("pk", "email", "display_name")
    )
    return [(pk, email, name) for pk, email, name in rows]


def guides_for_criterion(*, code: str) -> list[tuple[str, str]]:
    """Return ``(title, url)`` of the live, public guides that refer to ``code``.

    One query: on PostgreSQL by JSON containment on the StreamField; elsewhere
    (the embedded SQLite default) the few live guides are checked in Python.
    """
    from django.db import connection

    from cop.guides.models import GuidePage

    guides = GuidePage.objects.live().public().order_by("title")
    if connection.vendor == "postgresql":
        guides = guides.filter(
            body__contains=[{"type": "references", "value": {"criteria": [code]}}]
        )
        found = list(guides)
    else:
        found = [g for g in guides if code in referenced_codes(g.body)[0]]
    return [(guide.title, guide.url or "") for guide in found]


def checklist_list(*, index: GuideIndexPage) -> list[ChecklistPage]:
    """Return the live, public checklist pages under ``index``, by title (1 query)."""
    from cop.guides.models import ChecklistPage

    return list(ChecklistPage.objects.live().public().child_of(index).order_by("title"))


def checklist_get(*, code: str) -> Checklist | None:
    """Return framework ``code`` grouped by priority, or None if it is not current.

    Items are assessed one by one; an item's sub-points (``parent``) are listed under
    it. Two queries, whatever the number of items.
    """
    from cop.privacy.models import Framework, FrameworkItem

    framework = Framework.objects.current().filter(code=code).first()
    if framework is None:
        return None
    items = list(
        FrameworkItem.objects.current()
        .filter(framework=framework)
        .order_by("order", "code")
    )
    entries: dict[int, ChecklistEntry] = {}
    groups: dict[int | None, ChecklistGroup] = {}
    for item in items:
        if item.parent_id is not None and item.parent_id in entries:
            entries[item.parent_id].points.append(item)
            continue
        group = groups.get(item.tier)
        if group is None:
            heading = (
                _("Priority %(tier)s") % {"tier": item.tier}
                if item.tier is not None
                else _("Items")
            )
            group = groups[item.tier] = ChecklistGroup(tier=item.tier, heading=heading)
        entry = entries[item.pk] = ChecklistEntry(item=item)
        group.entries.append(entry)
    ordered = sorted(groups.values(), key=lambda g: (g.tier is None, g.tier or 0))
    return Checklist(framework=framework, groups=ordered)


#: Upcoming events shown on the home page.
HOME_EVENTS = 3
#: Past events per page of the archive.
PAST_EVENTS_PER_PAGE = 20


def _events(index: EventIndexPage | None) -> QuerySet[EventPage]:
    from cop.guides.models import EventPage

    events = EventPage.objects.live().public().filter(ends_at__isnull=False)
    if index is not None:
        events = events.child_of(index)
    found: QuerySet[EventPage] = events
    return found


def event_list_upcoming(
    *, index: EventIndexPage | None = None, limit: int | None = None
) -> list[EventPage]:
    """Return the live, public events not yet over, soonest first (1 query).

    ``index`` keeps those under one event index; ``limit`` the first few.
    """
    from django.utils import timezone

    events = _events(index).filter(ends_at__gte=timezone.now()).order_by("starts_at")
    return list(events[:limit] if limit is not None else events)


def event_list_past(
    *, index: EventIndexPage, page_number: str | int | None
) -> PaginatorPage[EventPage]:
    """Return one page of the events that are over, latest first (2 queries)."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    events = _events(index).filter(ends_at__lt=timezone.now()).order_by("-starts_at")
    return Paginator(events, PAST_EVENTS_PER_PAGE).get_page(page_number)


def working_group_list(*, index: WorkingGroupIndexPage) -> list[WorkingGroupPage]:
    """Return the live, public working groups under ``index`` with ``member_count``.

    One query: the counts are annotated.
    """
    from django.db.models import Count

    from cop.guides.models import WorkingGroupPage

    return list(
        WorkingGroupPage.objects.live()
        .public()
        .child_of(index)
        .annotate(member_count=Count("memberships"))
        .order_by("title")
    )


def working_group_roster(*, group: WorkingGroupPage) -> Roster:
    """Return how many members ``group`` has and the names of those who chose to be listed.

    Only active accounts count; names are display names, never e-mail addresses.
    One query.
    """
    rows = list(
        group.memberships.filter(user__is_active=True)
        .order_by("user__display_name", "pk")
        .values_list("listed", "user__display_name")
    )
    names = [name for listed, name in rows if listed and name]
    return Roster(total=len(rows), listed_names=names)


def working_group_membership_of(
    *, group: WorkingGroupPage, user: Any
) -> WorkingGroupMembership | None:
    """Return ``user``'s membership of ``group``, or None (anonymous: no query)."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership: WorkingGroupMembership | None = group.memberships.filter(
        user=user
    ).first()
    return membership

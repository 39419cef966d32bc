"""Reads of the guides pages: lists, featured guides, references, home sections.

Every list runs a fixed number of queries whatever its length.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from cop.guides import hooks
from cop.guides.blocks import referenced_codes
from cop.guides.hooks import HomeSection

if TYPE_CHECKING:
    from cop.guides.models import GuideIndexPage, GuidePage, HomePage


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


def guides_due_for_review(*, months: int) -> list[GuidePage]:
    """Return the live guides not reviewed for ``months`` months (or never), oldest first."""
    import datetime as dt

    from django.db.models import Q
    from django.utils import timezone

    from cop.guides.models import GuidePage

    cutoff = timezone.localdate() - dt.timedelta(days=round(months * 30.44))
    return list(
        GuidePage.objects.live()
        .filter(Q(last_reviewed_on__lt=cutoff) | Q(last_reviewed_on__isnull=True))
        .select_related("reviewed_by")
        .order_by("last_reviewed_on", "title")
    )


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

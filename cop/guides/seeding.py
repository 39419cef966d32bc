"""Demo content of ``cop.guides`` (``seed_demo``): home page, guides, standard pages.

Registered in :class:`cop.guides.apps.GuidesConfig`; runs after members and vendors.
Pages are created through Wagtail's API and published as a revision, so their history
reads like an editor's. Idempotent: a page that exists (by slug under its parent) is
left as it is, so moderators' edits survive a second run; the home page's text is
published only when it differs from the demo text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from cop.guides.models import (
    ChecklistPage,
    GuideIndexPage,
    GuidePage,
    HomeFeaturedGuide,
    HomePage,
    StandardPage,
)
from cop.guides.seeding_checklists import CHECKLISTS
from cop.guides.seeding_community import seed_events, seed_working_groups
from cop.guides.seeding_content import GUIDES
from cop.guides.seeding_standard import STANDARD_PAGES

HOME_INTRO: Final = (
    "Library workers and library vendors making library user privacy better, "
    "together: open discussion, shared guides and comparable privacy disclosures."
)

HOME_BODY: Final = (
    "<h2>What cop is</h2>"
    "<p>cop is the vendor privacy community of practice. Libraries promise their "
    "users privacy, but much of what users do in a library now runs on vendors' "
    "systems: the library management system, the discovery layer, the e-book "
    "platform. cop brings the people who buy these products and the people who "
    "build them to one table, to improve how they treat library users' data.</p>"
    "<h2>What you can do here</h2>"
    "<ul>"
    "<li><b>Discuss</b> privacy questions with library workers and vendor "
    "representatives, in the open and under a code of conduct.</li>"
    "<li><b>Read the guides</b> and checklists written by the working group, "
    "from contract clauses to retention settings.</li>"
    "<li><b>Compare products</b> through vendor privacy disclosures: what each "
    "product collects, shares and keeps, answered against the same criteria.</li>"
    "</ul>"
    "<h2>Who runs it</h2>"
    "<p>A working group of library privacy practitioners moderates the community "
    "and reviews disclosures before they are published. Vendors speak for their "
    "own products only, through verified representatives.</p>"
    "<h3>Our own privacy</h3>"
    "<p>cop practises what it asks of vendors: it collects as little as it can, "
    "stores no IP addresses, sets no cookies for readers who are not signed in, "
    "loads nothing from third parties, and discloses its own platform like any "
    "other product.</p>"
)

#: The demo moderator who "reviewed" the demo guides (created by cop.members).
REVIEWER_EMAIL: Final = "moderator@example.org"


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).specific().first()


def _publish_new(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _standard_page_ensure(home: HomePage, spec: Mapping[str, Any]) -> bool:
    if _child(home, spec["slug"]) is not None:
        return False
    _publish_new(
        home,
        StandardPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            body=json.dumps(spec["body"]),
        ),
    )
    return True


def _guide_index_ensure(home: HomePage) -> GuideIndexPage:
    found = _child(home, "guides")
    if isinstance(found, GuideIndexPage):
        return found
    index = GuideIndexPage(
        title="Guides",
        slug="guides",
        intro="<p>Practical guides written and reviewed by the working group.</p>",
    )
    _publish_new(home, index)
    return index


def _guide_ensure(
    index: GuideIndexPage, spec: Mapping[str, Any], reviewer: Any
) -> tuple[GuidePage, bool]:
    found = _child(index, spec["slug"])
    if isinstance(found, GuidePage):
        return found, False
    guide = GuidePage(
        title=spec["title"],
        slug=spec["slug"],
        intro=spec["intro"],
        body=json.dumps(spec["body"]),
        last_reviewed_on=timezone.localdate()
        - dt.timedelta(days=spec["reviewed_days_ago"]),
        reviewed_by=reviewer,
    )
    guide.tags.add(*spec["tags"])
    _publish_new(index, guide)
    return guide, True


def _checklist_ensure(index: GuideIndexPage, spec: Mapping[str, Any]) -> bool:
    from cop.privacy.models import Framework

    if _child(index, spec["slug"]) is not None:
        return False
    if not Framework.objects.current().filter(code=spec["framework_code"]).exists():
        return False  # the reference data is not loaded
    _publish_new(index, ChecklistPage(**spec))
    return True


def _home_text_ensure(home: HomePage, guides: list[GuidePage]) -> int:
    featured = [item.guide_id for item in home.featured_guides.all()]
    if (
        home.intro == HOME_INTRO
        and home.body == HOME_BODY
        and featured
        and home.live
        and not home.has_unpublished_changes
    ):
        return 0
    home.intro = HOME_INTRO
    home.body = HOME_BODY
    if not featured:
        home.featured_guides.set(
            [
                HomeFeaturedGuide(guide=guide, sort_order=n)
                for n, guide in enumerate(guides)
            ]
        )
    home.save_revision().publish()
    return 1


def seed_guides(*, scale: str, stdout: Any) -> dict[str, int]:
    """Create the guide index, the demo guides and standard pages; feature the guides."""
    home = HomePage.objects.order_by("pk").first()
    if home is None:
        stdout.write("guides: no home page (migration 0002 not applied?); skipped.")
        return {"home page revisions": 0}
    reviewer = get_user_model()._default_manager.filter(email=REVIEWER_EMAIL).first()
    index = _guide_index_ensure(home)
    guides, created = [], 0
    for spec in GUIDES:
        guide, new = _guide_ensure(index, spec, reviewer)
        guides.append(guide)
        created += new
    checklists = sum(_checklist_ensure(index, spec) for spec in CHECKLISTS)
    standard = sum(_standard_page_ensure(home, spec) for spec in STANDARD_PAGES)
    community = {**seed_working_groups(home), **seed_events(home)}
    home = HomePage.objects.get(pk=home.pk)
    return {
        **community,
        "guides": created,
        "checklists": checklists,
        "standard pages": standard,
        "home page revisions": _home_text_ensure(home, guides),
    }

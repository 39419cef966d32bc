"""Demo content of ``cop.guides``: the home page text (``seed_demo``).

Registered in :class:`cop.guides.apps.GuidesConfig`; runs after members and vendors.
The home page itself is created by the data migration ``0002_create_homepage``; this
seeder gives it a meaningful intro and body and publishes them as a revision through
Wagtail's API, so that the page history shows the change like an editor's edit.
"""

from __future__ import annotations

from typing import Any, Final

from cop.guides.models import HomePage

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


def seed_guides(*, scale: str, stdout: Any) -> dict[str, int]:
    """Publish the demo intro and body on the home page; idempotent.

    A new revision is published only when the live page differs from the demo text,
    so a second run adds no revision.
    """
    page = HomePage.objects.order_by("pk").first()
    if page is None:
        stdout.write("guides: no home page (migration 0002 not applied?); skipped.")
        return {"home page revisions": 0}
    if (
        page.intro == HOME_INTRO
        and page.body == HOME_BODY
        and page.live
        and not page.has_unpublished_changes
    ):
        return {"home page revisions": 0}
    page.intro = HOME_INTRO
    page.body = HOME_BODY
    page.save_revision().publish()
    return {"home page revisions": 1}

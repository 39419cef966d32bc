"""Demo working groups and events (``seed_demo``), relative to the day of seeding.

Idempotent like the rest of :mod:`cop.guides.seeding`: a page whose slug exists under
its index is left as it is; a membership that exists is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from cop.guides.models import (
    EventIndexPage,
    EventPage,
    HomePage,
    WorkingGroupIndexPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)

WORKING_GROUPS: Final[list[dict[str, Any]]] = [
    {
        "slug": "vendor-privacy",
        "title": "Vendor privacy working group",
        "intro": (
            "Reviews vendor privacy disclosures, keeps the criteria current and "
            "moderates the community."
        ),
        "status": "active",
        "charter": (
            "<p>The group reviews every vendor privacy disclosure before it is "
            "published, proposes changes to the criteria when practice moves on, "
            "and writes and reviews the guides.</p>"
            "<ul><li>Meets online once a month.</li>"
            "<li>Decides by consensus; a disclosure is approved by a member other "
            "than the one who worked on it.</li>"
            "<li>Publishes its decisions in the open discussions.</li></ul>"
        ),
        "how_to_join": (
            "<p>Library workers with privacy or licensing experience are welcome. "
            "Introduce yourself in the general discussions and a moderator will "
            "add you.</p>"
        ),
        "discussion_path": "/discussions/s/vendor-privacy-working-group/",
        "members": [("moderator@example.org", True), ("library@example.org", False)],
    },
    {
        "slug": "privacy-audit-toolkit",
        "title": "Privacy audit toolkit group",
        "intro": (
            "Turns the library privacy checklists into practical audit tools for "
            "small libraries."
        ),
        "status": "forming",
        "charter": (
            "<p>The group adapts the ALA privacy checklists into self-assessments "
            "that a library without a privacy officer can run in an afternoon, and "
            "collects what libraries learn from using them.</p>"
        ),
        "how_to_join": (
            "<p>The group is forming: say in the discussions which checklist you "
            "would like to work on.</p>"
        ),
        "discussion_path": "",
        "members": [],
    },
]

EVENTS: Final[list[dict[str, Any]]] = [
    {
        "slug": "privacy-clinic-annual-conference",
        "title": "Privacy clinic: reading a vendor's disclosure",
        "intro": (
            "Bring a vendor contract or a privacy disclosure; working-group members "
            "go through it with you against the criteria."
        ),
        "days_from_now": 30,
        "start": dt.time(10, 30),
        "end": dt.time(12, 0),
        "time_zone": "America/Chicago",
        "attendance": "in_person",
        "venue": "Convention centre, meeting room 204",
        "address": "Library conference, exhibit hall level",
        "online_url": "",
        "registration_url": "",
    },
    {
        "slug": "auditing-your-lms-online",
        "title": "Online: auditing your library management system, item by item",
        "intro": (
            "A walk through the library management system checklist, priority by "
            "priority, with time for questions."
        ),
        "days_from_now": 60,
        "start": dt.time(16, 0),
        "end": dt.time(17, 0),
        "time_zone": "Europe/London",
        "attendance": "online",
        "venue": "",
        "address": "",
        "online_url": "https://meet.example.org/cop-lms-audit",
        "registration_url": "https://events.example.org/cop-lms-audit",
    },
    {
        "slug": "contract-red-flags-workshop",
        "title": "Contract red flags workshop",
        "intro": (
            "How to spot the licensing red flags in a vendor's draft, and the "
            "clauses to ask for instead."
        ),
        "days_from_now": -90,
        "start": dt.time(13, 0),
        "end": dt.time(15, 30),
        "time_zone": "America/New_York",
        "attendance": "hybrid",
        "venue": "Riverbend Public Library, community room",
        "address": "1 River Street, Riverbend",
        "online_url": "https://meet.example.org/cop-red-flags",
        "registration_url": "",
    },
]


def _child(parent: Page, slug: str) -> Page | None:
    return parent.get_children().filter(slug=slug).specific().first()


def _index_ensure(home: HomePage, model: type[Page], **fields: Any) -> Page:
    found = _child(home, fields["slug"])
    if isinstance(found, model):
        return found
    index = model(**fields)
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _members_ensure(group: WorkingGroupPage, members: list[tuple[str, bool]]) -> int:
    users = get_user_model()._default_manager
    added = 0
    for email, listed in members:
        user = users.filter(email=email).first()
        if user is None:
            continue
        _row, created = WorkingGroupMembership.objects.get_or_create(
            group=group, user=user, defaults={"listed": listed}
        )
        added += created
    return added


def seed_working_groups(home: HomePage) -> dict[str, int]:
    """Create the working group index, the demo groups and their members."""
    index = _index_ensure(
        home,
        WorkingGroupIndexPage,
        title="Working groups",
        slug="working-groups",
        intro="<p>The groups that write the guides and review vendor disclosures.</p>",
    )
    created = members = 0
    for spec in WORKING_GROUPS:
        fields = {k: v for k, v in spec.items() if k != "members"}
        group = _child(index, spec["slug"])
        if not isinstance(group, WorkingGroupPage):
            group = WorkingGroupPage(**fields)
            index.add_child(instance=group)
            group.save_revision().publish()
            created += 1
        members += _members_ensure(group, spec["members"])
    return {"working groups": created, "working group members": members}


def seed_events(home: HomePage) -> dict[str, int]:
    """Create the event index, two upcoming events and a past one."""
    index = _index_ensure(
        home,
        EventIndexPage,
        title="Events",
        slug="events",
        intro="<p>Sessions at library conferences and online.</p>",
    )
    today = timezone.localdate()
    created = 0
    for spec in EVENTS:
        if _child(index, spec["slug"]) is not None:
            continue
        day = today + dt.timedelta(days=spec["days_from_now"])
        fields = {
            k: v for k, v in spec.items() if k not in ("days_from_now", "start", "end")
        }
        event = EventPage(
            start_date=day,
            start_time=spec["start"],
            end_date=day,
            end_time=spec["end"],
            **fields,
        )
        index.add_child(instance=event)
        event.save_revision().publish()
        created += 1
    return {"events": created}

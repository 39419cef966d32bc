"""The vendor demo content: cop's own disclosure, vendor versions, roadmaps; idempotent."""

from __future__ import annotations

import io

import pytest

from cop.core.seeding import SCALE_DEMO
from cop.members.seeding import seed_members
from cop.privacy.models import Criterion
from vendors import selectors
from vendors.models import DisclosureVersion, Product, RoadmapItem, RoadmapStatusChange
from vendors.seeding import seed_vendors

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    seed_members(scale=SCALE_DEMO, stdout=io.StringIO())
    seed_vendors(scale=SCALE_DEMO, stdout=io.StringIO())


def test_seed_cop_disclosure_covers_every_core_criterion(seeded):
    product = Product.objects.get(slug="cop-platform")
    version = selectors.disclosure_version_latest(product=product)
    core = set(
        Criterion.objects.current()
        .filter(module__code="core")
        .values_list("code", flat=True)
    )
    assert core <= set(version.answers)
    assert all(version.answers[code]["status"] != "not_disclosed" for code in core)
    assert version.coverage["disclosed"] == version.coverage["applicable"] == len(core)
    # honest: no trackers, history off by default
    assert version.answers["VPD-COL-04"]["value"] == "none"
    assert version.answers["VPD-CON-01"]["default_option"] == "all_opt_in"


def test_seed_vendor_disclosures_have_a_changelog(seeded):
    product = Product.objects.get(slug="larchmont-stacks")
    assert [v.number for v in selectors.disclosure_version_list(product=product)] == [
        2,
        1,
    ]
    directions = {
        c.code: c.direction for c in selectors.disclosure_changelog(product=product)
    }
    assert directions["VPD-GOV-01"] == "improved"
    assert directions["VPD-LAW-01"] == "newly_disclosed"
    brightwell = Product.objects.get(slug="brightwell-search")
    changes = selectors.disclosure_changelog(product=brightwell)
    assert "regressed" in {c.direction for c in changes}


def test_seed_roadmaps_keep_dated_history(seeded):
    item = RoadmapItem.objects.get(title="Borrowing history off by default")
    assert item.status == "shipped"
    assert list(
        RoadmapStatusChange.objects.filter(item=item).values_list(
            "to_status", flat=True
        )
    ) == ["planned", "in_progress", "shipped"]


def test_seed_twice_adds_nothing(seeded):
    counts = (DisclosureVersion.objects.count(), RoadmapItem.objects.count())
    added = seed_vendors(scale=SCALE_DEMO, stdout=io.StringIO())
    assert (DisclosureVersion.objects.count(), RoadmapItem.objects.count()) == counts
    assert added["disclosure versions"] == 0


def test_seed_priorities_show_both_shown_and_hidden_cells(seeded):
    from vendors import selectors_priorities as signals

    stacks = Product.objects.get(slug="larchmont-stacks")
    panel = signals.product_priority_panel(product=stacks)
    assert [row.count.value for row in panel.criteria] == [9, 6]  # the 3 stays hidden
    assert [row.count.value for row in panel.roadmap] == [6]
    discovery = next(
        t for t in signals.type_priorities() if t.product_type == "discovery"
    )
    assert [row.count.value for row in discovery.criteria] == [9]


def test_seed_priorities_twice_adds_nothing(seeded):
    from vendors.models import Priority, RoadmapSupport

    counts = (Priority.objects.count(), RoadmapSupport.objects.count())
    seed_vendors(scale=SCALE_DEMO, stdout=io.StringIO())
    assert (Priority.objects.count(), RoadmapSupport.objects.count()) == counts

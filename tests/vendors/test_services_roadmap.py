"""Roadmap items: dated status history, audit, "needs update" after shipping; staleness."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cop.core.models import AuditEvent
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import selectors, services
from vendors.models import Disclosure, DisclosureSettings, DisclosureVersion

pytestmark = pytest.mark.django_db


def test_roadmap_item_change_status_keeps_dated_history_and_audits(
    product_a, vendor_rep_a
):
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        item = services.roadmap_item_create(
            product=product_a,
            actor=vendor_rep_a,
            title="Opt-in history",
            criteria=["VPD-ILS-01"],
        )
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        services.roadmap_item_change_status(
            item=item, actor=vendor_rep_a, status="in_progress", note="Started"
        )
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False):
        services.roadmap_item_change_status(
            item=item, actor=vendor_rep_a, status="shipped"
        )
    history = list(
        item.status_changes.order_by("changed_at").values_list(
            "from_status", "to_status", "changed_at__date"
        )
    )
    assert history == [
        ("", "planned", dt.date(2026, 1, 10)),
        ("planned", "in_progress", dt.date(2026, 3, 5)),
        ("in_progress", "shipped", dt.date(2026, 6, 1)),
    ]
    assert (
        AuditEvent.objects.filter(action="vendors.roadmap.status_change").count() == 2
    )


def test_roadmap_item_change_status_same_status_writes_nothing(product_a, vendor_rep_a):
    item = services.roadmap_item_create(
        product=product_a, actor=vendor_rep_a, title="X"
    )
    assert (
        services.roadmap_item_change_status(
            item=item, actor=vendor_rep_a, status="planned"
        )
        is None
    )
    assert item.status_changes.count() == 1


def test_roadmap_item_create_with_criterion_of_other_type_is_rejected(
    product_a, vendor_rep_a
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.roadmap_item_create(
            product=product_a, actor=vendor_rep_a, title="X", criteria=["VPD-DSC-01"]
        )
    assert not product_a.roadmap_items.exists()


def test_roadmap_needs_update_lists_answers_older_than_ship_date(
    product_a, vendor_rep_a
):
    # given: an answer dated before the linked item shipped, and one re-dated after
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    item = services.roadmap_item_create(
        product=product_a,
        actor=vendor_rep_a,
        title="Opt-in",
        criteria=["VPD-ILS-01", "VPD-ILS-04"],
    )
    old = timezone.localdate() - dt.timedelta(days=30)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[
            answer_for("VPD-ILS-01", as_of=old),
            answer_for("VPD-ILS-04", as_of=timezone.localdate()),
        ],
    )
    assert selectors.roadmap_needs_update(product=product_a) == []
    # when
    services.roadmap_item_change_status(item=item, actor=vendor_rep_a, status="shipped")
    # then
    rows = selectors.roadmap_needs_update(product=product_a)
    assert [(r.criterion_code, r.answer_as_of) for r in rows] == [("VPD-ILS-01", old)]


def _published(product, rep, moderator, as_of):
    disclosure = services.disclosure_create(product=product, actor=rep)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=rep,
        answers=[answer_for("VPD-GOV-01", as_of=as_of), answer_for("VPD-GOV-02")],
    )
    services.disclosure_publish(
        disclosure=Disclosure.objects.get(pk=disclosure.pk), actor=moderator
    )
    return DisclosureVersion.objects.get(product=product)


def test_version_coverage_counts_stale_answers_by_setting(
    product_a, vendor_rep_a, moderator
):
    version = _published(
        product_a,
        vendor_rep_a,
        moderator,
        timezone.localdate() - dt.timedelta(days=400),
    )
    coverage = selectors.version_coverage(version=version)
    assert (coverage.disclosed, coverage.stale) == (2, 1)
    assert coverage.applicable == len(version.answers)
    # a moderator widens the window to 24 months: nothing is stale any more
    DisclosureSettings.objects.update_or_create(
        pk=DisclosureSettings.load().pk, defaults={"stale_after_months": 24}
    )
    assert selectors.version_coverage(version=version).stale == 0


def test_stale_cutoff_handles_month_ends():
    assert selectors.stale_cutoff(today=dt.date(2026, 3, 31), months=1) == dt.date(
        2026, 2, 28
    )
    assert selectors.stale_cutoff(today=dt.date(2026, 1, 15), months=12) == dt.date(
        2025, 1, 15
    )


def test_disclosure_version_is_immutable(product_a, vendor_rep_a, moderator):
    version = _published(product_a, vendor_rep_a, moderator, timezone.localdate())
    version.number = 9
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        DisclosureVersion.objects.filter(pk=version.pk).update(number=9)


def test_unpublished_disclosure_hides_versions(product_a, vendor_rep_a, moderator):
    version = _published(product_a, vendor_rep_a, moderator, timezone.localdate())
    Disclosure.objects.filter(pk=version.disclosure_id).update(live=False)
    assert selectors.disclosure_version_latest(product=product_a) is None
    assert not selectors.product_list_published().exists()

"""Setting, changing and withdrawing libraries' priorities and roadmap support."""

from __future__ import annotations

from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from cop.privacy.hooks import member_data
from tests.factories import MembershipFactory, OrganisationFactory
from tests.vendors.priorities_support import *  # noqa: F403
from tests.vendors.priorities_support import criteria_of, libraries, vote
from vendors import services
from vendors.models import Priority, RoadmapItem, RoadmapSupport


@pytest.fixture
def item(product_a, vendor_rep_a) -> RoadmapItem:
    return services.roadmap_item_create(
        product=product_a, actor=vendor_rep_a, title="Purge loan history"
    )


def test_priorities_set_by_library_worker_stores_org_and_quarter(
    product_a, library, library_worker
):
    # given
    chosen = criteria_of(product_a, 3)
    # when
    with time_machine.travel("2026-05-17 10:00Z"):
        services.priorities_set(
            actor=library_worker,
            organisation=library,
            criteria=chosen,
            product=product_a,
        )
    # then
    rows = Priority.objects.filter(organisation=library, product=product_a)
    assert {p.criterion_id for p in rows} == {c.pk for c in chosen}
    assert {p.quarter for p in rows} == {"2026-Q2"}


def test_priorities_set_replaces_the_list_and_keeps_unchanged_rows(
    product_a, library, library_worker
):
    first = criteria_of(product_a, 3)
    with time_machine.travel("2026-02-01 10:00Z"):
        vote((library, library_worker), first, product=product_a)
    with time_machine.travel("2026-08-01 10:00Z"):
        vote(
            (library, library_worker),
            [first[0], *criteria_of(product_a, 5)[3:]],
            product=product_a,
        )
    quarters = dict(
        Priority.objects.filter(organisation=library).values_list(
            "criterion_id", "quarter"
        )
    )
    assert quarters[first[0].pk] == "2026-Q1"
    assert first[1].pk not in quarters
    assert len(quarters) == 3


def test_priorities_two_workers_of_one_library_count_once(
    product_a, library, library_worker
):
    colleague = MembershipFactory(organisation=library).user
    chosen = criteria_of(product_a, 2)
    vote((library, library_worker), chosen, product=product_a)
    vote((library, colleague), chosen, product=product_a)
    assert Priority.objects.filter(organisation=library).count() == 2


def test_priorities_set_more_than_five_is_refused(product_a, library, library_worker):
    with pytest.raises(ValidationError):
        vote((library, library_worker), criteria_of(product_a, 6), product=product_a)
    assert not Priority.objects.exists()


def test_priorities_set_with_criterion_of_another_type_is_refused(
    product_a, product_b, library, library_worker
):
    ils_only = [
        c
        for c in services.criteria_for_scope(product=product_a)
        if c.module.code == "ILS"
    ][:1]
    with pytest.raises(ValidationError):
        vote((library, library_worker), ils_only, product=product_b)


def test_priorities_set_for_a_product_type(product_a, library, library_worker):
    chosen = services.criteria_for_scope(product_type="lms")[:2]
    vote((library, library_worker), chosen, product_type="lms")
    assert (
        Priority.objects.filter(product__isnull=True, product_type="lms").count() == 2
    )


def test_priorities_set_with_unknown_type_is_refused(criteria, library, library_worker):
    with pytest.raises(ValidationError):
        vote((library, library_worker), [], product_type="spaceship")


@pytest.mark.parametrize("who", ["vendor_rep_a", "moderator", "admin"])
def test_priorities_set_by_non_library_worker_is_denied(
    request, product_a, library, who
):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        vote((library, actor), criteria_of(product_a, 1), product=product_a)


def test_priorities_set_for_another_library_is_denied(product_a, library_worker):
    other = OrganisationFactory(kind="library")
    with pytest.raises(PermissionDenied):
        vote((other, library_worker), criteria_of(product_a, 1), product=product_a)


def test_priorities_withdraw_removes_every_priority(product_a, library, library_worker):
    vote((library, library_worker), criteria_of(product_a, 3), product=product_a)
    services.priorities_withdraw(
        actor=library_worker, organisation=library, product=product_a
    )
    assert not Priority.objects.exists()


def test_priorities_set_renews_the_product_pages_after_commit(
    product_a, library, library_worker, django_capture_on_commit_callbacks
):
    with (
        mock.patch("cop.core.pagecache.scopes_bump") as bump,
        django_capture_on_commit_callbacks(execute=True),
    ):
        vote((library, library_worker), criteria_of(product_a, 1), product=product_a)
    bumped = {scope for call in bump.call_args_list for scope in call.args[0]}
    assert f"vendors:product:{product_a.pk}" in bumped
    assert "vendors:priorities" in bumped


def test_roadmap_support_replace_one_per_library(item, library, library_worker):
    services.roadmap_support_replace(
        actor=library_worker,
        organisation=library,
        product=item.product,
        item_ids=[item.pk],
    )
    services.roadmap_support_set(
        actor=library_worker, organisation=library, item=item, supported=True
    )
    assert RoadmapSupport.objects.filter(item=item).count() == 1
    services.roadmap_support_set(
        actor=library_worker, organisation=library, item=item, supported=False
    )
    assert not RoadmapSupport.objects.exists()


def test_roadmap_support_replace_refuses_items_of_other_products(
    item, product_b, library, library_worker
):
    with pytest.raises(ValidationError):
        services.roadmap_support_replace(
            actor=library_worker,
            organisation=library,
            product=product_b,
            item_ids=[item.pk],
        )


def test_roadmap_support_by_vendor_rep_is_denied(item, library, vendor_rep_a):
    with pytest.raises(PermissionDenied):
        services.roadmap_support_set(
            actor=vendor_rep_a, organisation=library, item=item, supported=True
        )


def test_erasure_removes_the_members_votes_only(product_a, item):
    # given: two libraries voted; the first one's worker is erased
    (first, second) = libraries(2)
    vote(first, criteria_of(product_a, 2), product=product_a)
    vote(second, criteria_of(product_a, 2), product=product_a)
    services.roadmap_support_set(
        actor=first[1], organisation=first[0], item=item, supported=True
    )
    # when
    dict(member_data)["vendors"].erase(user=first[1], keep_posts=False)
    # then
    assert not Priority.objects.filter(organisation=first[0]).exists()
    assert not RoadmapSupport.objects.exists()
    assert Priority.objects.filter(organisation=second[0]).count() == 2


def test_export_lists_the_members_votes(product_a):
    (pair,) = libraries(1)
    vote(pair, criteria_of(product_a, 1), product=product_a)
    exported = dict(member_data)["vendors"].export(pair[1])
    assert [row["product__name"] for row in exported["library_priorities_set"]] == [
        "Stacks"
    ]

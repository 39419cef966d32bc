"""Property tests: no sequence of allowed reads reveals a library's vote or a small cell.

Hypothesis draws vote sets (libraries x products or product types x criteria x
quarters) and sequences of the reads anyone may make (product panels and API,
the community page and API, the vendor dashboard, with arbitrary extra query
parameters). Everything those reads publish is collected, and an attacker who knows
the rules (which cells exist, k, that hidden cells hold 0 to k - 1 libraries) checks
by subtraction whether any hidden cell is pinned, or known to be non-empty.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cop.members.models import Organisation
from tests.factories import UserFactory
from tests.vendors.priorities_support import *  # noqa: F403
from vendors import selectors_priorities as signals
from vendors import services
from vendors.models import Priority, Product

K = 5
QUARTERS = ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
# Three lms products and one discovery product; two criteria per type, so that
# cells often reach k and the subtraction attacks have material.
PRODUCTS = [("lms", "p0"), ("lms", "p1"), ("lms", "p2"), ("discovery", "p3")]
LIBRARIES = 14

# scope: a product index (0-3) or a product type; criterion index 0-2; quarter index.
vote_strategy = st.tuples(
    st.integers(0, LIBRARIES - 1),
    st.one_of(st.integers(0, len(PRODUCTS) - 1), st.sampled_from(["lms", "discovery"])),
    st.integers(0, 1),
    st.integers(0, len(QUARTERS) - 1),
)
read_strategy = st.lists(
    st.tuples(
        st.sampled_from(["panel", "product_api", "type_api", "community", "dashboard"]),
        st.integers(0, len(PRODUCTS) - 1),
        st.sampled_from(["", "?criterion=0", "?library=1", "?quarter=2026-Q1", "?k=1"]),
    ),
    min_size=1,
    max_size=6,
)


@dataclass
class World:
    products: list[Product]
    criteria: dict[str, list[Any]]
    orgs: list[Organisation]
    truth: dict[tuple[Any, int], set[int]] = field(default_factory=dict)


@pytest.fixture
def world(criteria, vendor_a) -> World:
    products = [
        Product.objects.create(
            organisation=vendor_a, name=f"Product {slug}", slug=slug, product_type=kind
        )
        for kind, slug in PRODUCTS
    ]
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(kind="library", name=f"Secret library {n}", slug=f"secret-{n}")
            for n in range(LIBRARIES)
        ]
    )
    criteria = {
        kind: services.criteria_for_scope(product_type=kind)[:3]
        for kind in ("lms", "discovery")
    }
    return World(products=products, criteria=criteria, orgs=orgs)


def _store(world: World, votes: list[tuple[int, Any, int, int]]) -> dict[Any, set[int]]:
    """Write ``votes`` (one per library and cell) and return the true cells."""
    setter = UserFactory()
    rows: dict[tuple[int, Any, int], Priority] = {}
    for lib, scope, crit, quarter in votes:
        product = world.products[scope] if isinstance(scope, int) else None
        kind = product.product_type if product else scope
        criterion = world.criteria[kind][crit]
        rows[(lib, scope, crit)] = Priority(
            organisation=world.orgs[lib],
            product=product,
            product_type="" if product else kind,
            criterion=criterion,
            set_by=setter,
            quarter=QUARTERS[quarter],
        )
    Priority.objects.bulk_create(rows.values())
    truth: dict[Any, set[int]] = defaultdict(set)
    for lib, scope, crit in rows:
        truth[(scope, crit)].add(lib)
    return truth


def _published(world: World, reads: list[tuple[str, int, str]]) -> dict[str, Any]:
    """Make the reads as an anonymous reader and a vendor; collect what they publish."""
    client = Client()
    seen: dict[str, Any] = {"product": {}, "type": {}, "pages": []}
    for kind, index, extra in reads:
        product = world.products[index]
        keys = {"vendor_slug": product.organisation.slug, "product_slug": product.slug}
        if kind == "panel":
            response = client.get(
                reverse("vendors:product_detail", kwargs=keys) + extra
            )
            assert response.status_code == 200
            seen["pages"].append(response.content.decode())
        elif kind == "community":
            response = client.get(reverse("priorities:community") + extra)
            assert response.status_code == 200
            seen["pages"].append(response.content.decode())
        elif kind == "product_api":
            response = client.get(
                reverse("api:product_priorities", kwargs=keys) + extra
            )
            if extra:
                assert response.status_code == 400  # no parameter narrows a cell
                continue
            for row in response.json()["criteria"]:
                seen["product"][(index, row["code"])] = row["libraries"]
            seen["pages"].append(response.content.decode())
        elif kind == "type_api":
            response = client.get(reverse("api:priority_types") + extra)
            if extra:
                assert response.status_code == 400
                continue
            for group in response.json()["types"]:
                for row in group["criteria"]:
                    seen["type"][(group["product_type"], row["code"])] = row[
                        "libraries"
                    ]
            seen["pages"].append(response.content.decode())
        else:
            seen["dashboard"] = signals.vendor_signals(vendor=product.organisation)
    return seen


def _check_no_reveal(
    world: World, truth: dict[Any, set[int]], seen: dict[str, Any]
) -> None:
    code_index = {
        kind: {c.code: i for i, c in enumerate(cs)}
        for kind, cs in world.criteria.items()
    }
    # Every shown product cell is the true count and at least k.
    for (index, code), value in seen["product"].items():
        kind = world.products[index].product_type
        assert value >= K
        assert value == len(truth.get((index, code_index[kind][code]), set()))
    # The attacker: for each shown type cell, what the hidden cells must hold.
    for (kind, code), total in seen["type"].items():
        crit = code_index[kind][code]
        members = [i for i, p in enumerate(world.products) if p.product_type == kind]
        shown = [
            seen_value
            for i in members
            if (seen_value := _product_cell(world, truth, i, crit)) >= K
        ]
        hidden = len(members) - len(shown) + 1  # + the type-wide cell
        assert total >= K
        true_union = set().union(
            truth.get((kind, crit), set()),
            *(truth.get((i, crit), set()) for i in members),
        )
        assert total == len(true_union)
        at_least_hidden = total - sum(shown)  # the shown cells may overlap
        # Every hidden cell could still be empty: the others can hold what the
        # subtraction says the hidden cells hold at least.
        assert at_least_hidden <= max(hidden - 1, 0) * (K - 1), (kind, code)
    # The dashboard's running counts: the present equals the panel, steps >= k.
    for entry in seen.get("dashboard", []):
        index = world.products.index(entry.product)
        for row in entry.trend:
            values = [c.value for _q, c in row.points if c.shown]
            assert all(v >= K for v in values)
            for a, b in itertools.combinations(values, 2):
                assert a == b or abs(a - b) >= K
            now = row.points[-1][1].value
            assert now == len(
                truth[(index, code_index[entry.product.product_type][row.code])]
            )
    # No library is ever named.
    for page in seen["pages"]:
        assert "Secret library" not in page
        assert "secret-" not in page


def _product_cell(
    world: World, truth: dict[Any, set[int]], index: int, crit: int
) -> int:
    return len(truth.get((index, crit), set()))


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(votes=st.lists(vote_strategy, min_size=40, max_size=120), reads=read_strategy)
def test_no_read_sequence_reveals_a_vote_or_a_small_cell(world, votes, reads):
    with transaction.atomic():
        # given
        truth = _store(world, votes)
        # when
        seen = _published(world, [*reads, ("dashboard", 0, "")])
        # then
        _check_no_reveal(world, truth, seen)
        transaction.set_rollback(True)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(votes=st.lists(vote_strategy, min_size=40, max_size=120))
def test_pages_and_api_publish_the_same_cells(world, votes):
    with transaction.atomic():
        _store(world, votes)
        reads = [("product_api", i, "") for i in range(len(PRODUCTS))]
        seen = _published(world, [*reads, ("type_api", 0, "")])
        panels = {
            (i, row.code): row.count.value
            for i, p in enumerate(world.products)
            for row in signals.product_priority_panel(product=p).criteria
        }
        types = {
            (t.product_type, row.code): row.count.value
            for t in signals.type_priorities()
            for row in t.criteria
        }
        assert seen["product"] == panels
        assert seen["type"] == types
        transaction.set_rollback(True)

"""Reads of libraries' priorities: aggregates only, under the k-threshold.

Every figure here counts distinct library organisations in a fixed cell and goes
through :mod:`cop.privacy.aggregates`; nothing returns an organisation, a person or a
date finer than a quarter. The cells, all public:

- product x criterion (the product page's panel, the API, the vendor dashboard);
- roadmap item (libraries that need it);
- product type x criterion, over the type's products and the libraries that asked
  it of the whole type (the community page, the API), shown only when it reveals no
  hidden product cell by comparison (:func:`~cop.privacy.aggregates.union_total`);
- product x criterion x quarter, as a running count over the last four quarters (the
  vendor dashboard), anchored at today's cell (:func:`~cop.privacy.aggregates.series`).

Cells below k are never listed by name: "fewer than k" covers an empty cell too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from cop.members.models import Organisation
from cop.privacy import aggregates
from cop.privacy.aggregates import Cell, Quarter
from cop.privacy.models import Criterion
from vendors import cache
from vendors.models import Priority, Product, RoadmapSupport
from vendors.services.priorities import PRIORITIES_SCOPE

#: The community page lists this many top criteria per product type.
TOP_PER_TYPE = 10
#: The vendor dashboard's trend covers this many quarters, the current one last.
TREND_QUARTERS = 4


@dataclass(frozen=True)
class CriterionCount:
    """A shown cell: a criterion and how many libraries ask for it."""

    code: str
    title: str
    count: Cell


@dataclass(frozen=True)
class ItemCount:
    """A roadmap item and how many libraries need it (shown cells only)."""

    item_id: int
    title: str
    count: Cell


@dataclass(frozen=True)
class PriorityPanel:
    """What libraries ask of one product, as the product page and the API show it."""

    k: int
    criteria: list[CriterionCount]
    roadmap: list[ItemCount]

    @property
    def empty(self) -> bool:
        """Return whether no cell reached k (the panel then says so)."""
        return not self.criteria and not self.roadmap


def _ranked(rows: list[CriterionCount]) -> list[CriterionCount]:
    return sorted(rows, key=lambda row: (-(row.count.value or 0), row.code))


def product_priority_panel(*, product: Product) -> PriorityPanel:
    """Return the shown priority and roadmap cells of ``product`` (two queries)."""
    k = aggregates.privacy_k()
    rows = (
        Priority.objects.filter(product=product)
        .values("criterion__code", "criterion__title")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=k)
        .order_by()
    )
    criteria = [
        CriterionCount(r["criterion__code"], r["criterion__title"], Cell(r["n"], k))
        for r in rows
    ]
    items = (
        RoadmapSupport.objects.filter(item__product=product)
        .values("item_id", "item__title")
        .annotate(n=Count("organisation", distinct=True))
        .filter(n__gte=k)
        .order_by("-n", "item__title")
    )
    roadmap = [
        ItemCount(r["item_id"], r["item__title"], Cell(r["n"], k)) for r in items
    ]
    return PriorityPanel(k=k, criteria=_ranked(criteria), roadmap=roadmap)


# ----------------------------------------------------------------- product types


@dataclass(frozen=True)
class TypePriorities:
    """The top shown criteria of one product type (the community page)."""

    product_type: str
    label: str
    products: int
    criteria: list[CriterionCount] = field(default_factory=list)


def _type_cells(k: int) -> dict[tuple[str, int], Cell]:
    """Return the cell of every (product type, criterion id) with any priority."""
    type_of = dict(Product.objects.values_list("pk", "product_type"))
    products_per_type: dict[str, int] = defaultdict(int)
    for kind in type_of.values():
        products_per_type[kind] += 1
    members: dict[tuple[str, int], set[int]] = defaultdict(set)
    per_product: dict[tuple[int, int], set[int]] = defaultdict(set)
    rows = Priority.objects.values_list(
        "product_id", "product_type", "criterion_id", "organisation_id"
    ).order_by()
    for product_id, product_type, criterion_id, org_id in rows:
        kind = type_of.get(product_id, "") if product_id else product_type
        members[(kind, criterion_id)].add(org_id)
        if product_id:
            per_product[(product_id, criterion_id)].add(org_id)
    shown_members: dict[tuple[str, int], set[int]] = defaultdict(set)
    shown_cells: dict[tuple[str, int], int] = defaultdict(int)
    for (product_id, criterion_id), orgs in per_product.items():
        if len(orgs) >= k:
            key = (type_of[product_id], criterion_id)
            shown_members[key] |= orgs
            shown_cells[key] += 1
    result: dict[tuple[str, int], Cell] = {}
    for key, orgs in members.items():
        # Hidden: the type's product cells below k (empty ones too) and the
        # type-wide cell, which is never shown on its own.
        hidden = products_per_type[key[0]] - shown_cells[key] + 1
        result[key] = aggregates.union_total(
            total=len(orgs),
            uncovered=len(orgs - shown_members[key]),
            hidden_cells=hidden,
            k=k,
        )
    return result


def _build_type_priorities() -> list[TypePriorities]:
    k = aggregates.privacy_k()
    cells = {key: c for key, c in _type_cells(k).items() if c.shown}
    criteria = Criterion.objects.in_bulk(
        {criterion_id for _kind, criterion_id in cells}
    )
    counts = dict(
        Product.objects.values("product_type")
        .annotate(n=Count("pk"))
        .values_list("product_type", "n")
        .order_by()
    )
    result = []
    for kind, label in Product.ProductType.choices:
        rows = [
            CriterionCount(criteria[pk].code, criteria[pk].title, c)
            for (row_kind, pk), c in cells.items()
            if row_kind == kind and pk in criteria
        ]
        result.append(
            TypePriorities(
                product_type=kind,
                label=str(label),
                products=counts.get(kind, 0),
                criteria=_ranked(rows)[:TOP_PER_TYPE],
            )
        )
    return result


def type_priorities() -> list[TypePriorities]:
    """Return the top shown criteria of every product type (cached until a vote changes).

    Reads every priority once (a few thousand rows at most in a community this size)
    and keeps the result until any priority or product changes.
    """
    return cache.published_value(
        scopes=[PRIORITIES_SCOPE, cache.CATALOGUE_SCOPE],
        parts=["type-priorities", str(aggregates.privacy_k())],
        build=_build_type_priorities,
    )


# ----------------------------------------------------------------- vendor dashboard


@dataclass(frozen=True)
class TrendRow:
    """A shown criterion of a product and its running count over the last quarters."""

    code: str
    title: str
    points: list[tuple[str, Cell]]


@dataclass(frozen=True)
class ProductSignals:
    """One product's ranking, trend and supported roadmap items (vendor dashboard)."""

    product: Product
    panel: PriorityPanel
    trend: list[TrendRow]


def _trend(
    *, product: Product, panel: PriorityPanel, quarters: list[Quarter]
) -> list[TrendRow]:
    k = panel.k
    shown = {row.code: row for row in panel.criteria}
    per_quarter: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        Priority.objects.filter(product=product, criterion__code__in=list(shown))
        .values("criterion__code", "quarter")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    )
    for counted in rows:
        per_quarter[counted["criterion__code"]][counted["quarter"]] = counted["n"]
    trend = []
    for code, row in shown.items():
        by_quarter = per_quarter[code]
        running = [
            sum(n for q, n in by_quarter.items() if q <= str(quarter))
            for quarter in quarters
        ]
        cells = aggregates.series(running, k=k)
        points = [(str(q), c) for q, c in zip(quarters, cells, strict=True)]
        trend.append(TrendRow(row.code, row.title, points))
    return trend


def vendor_signals(
    *, vendor: Organisation, today: datetime.date | None = None
) -> list[ProductSignals]:
    """Return the dashboard figures of every product of ``vendor`` (3 queries a product).

    Callers check :func:`vendors.permissions.can_view_vendor_signals` first.
    """
    quarters = aggregates.last_quarters(
        TREND_QUARTERS, today=today or timezone.localdate()
    )
    result = []
    for product in Product.objects.filter(organisation=vendor).order_by("name"):
        panel = product_priority_panel(product=product)
        result.append(
            ProductSignals(
                product=product,
                panel=panel,
                trend=_trend(product=product, panel=panel, quarters=quarters),
            )
        )
    return result


def trend_quarters(today: datetime.date | None = None) -> list[str]:
    """Return the labels of the dashboard's quarters, oldest first."""
    days = aggregates.last_quarters(TREND_QUARTERS, today=today or timezone.localdate())
    return [str(q) for q in days]


def library_priorities(
    *,
    organisation: Organisation,
    product: Product | None = None,
    product_type: str = "",
) -> set[int]:
    """Return the criterion IDs the library chose for ``product`` (or the type).

    Shown only to the library's own workers, on their page.
    """
    return set(
        Priority.objects.filter(
            organisation=organisation, product=product, product_type=product_type
        ).values_list("criterion_id", flat=True)
    )


def library_roadmap_support(
    *, organisation: Organisation, product: Product
) -> set[int]:
    """Return the IDs of ``product``'s roadmap items the library said it needs."""
    return set(
        RoadmapSupport.objects.filter(
            organisation=organisation, item__product=product
        ).values_list("item_id", flat=True)
    )

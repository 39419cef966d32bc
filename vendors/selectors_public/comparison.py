"""The side-by-side comparison of up to :data:`MAX_PRODUCTS` products.

Built from the latest *published* version of each product; best and worst answers
per criterion are marked by option rank (see :mod:`vendors.selectors_public.answers`),
using the current ranks of the reference data so that every product is on the same
ladder. The number of queries does not depend on the number of products, criteria
or versions.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from cop.privacy import selectors as privacy_selectors
from cop.privacy.models import Criterion, CriterionOption, Domain, Module
from vendors import selectors
from vendors.models import DisclosureVersion, Product
from vendors.selectors import Coverage
from vendors.selectors_public.answers import (
    ANSWERED,
    NO_DISCLOSURE,
    NOT_APPLICABLE,
    NOT_ASKED,
    answer_view,
    best_and_worst,
    status_label,
)
from vendors.selectors_public.pages import (
    coverage_of,
    product_key,
    products_by_keys,
    stale_before,
)

MAX_PRODUCTS: Final = 6
#: Values of the ``rows`` parameter: criteria at least one product answered, or all.
ROWS_ANSWERED: Final = "answered"
ROWS_ALL: Final = "all"
ROWS_CHOICES: Final = (ROWS_ANSWERED, ROWS_ALL)
CRITERION_COLUMNS: Final = (
    "code",
    "title",
    "scale_kind",
    "scale",
    "order",
    "domain__code",
    "domain__order",
    "module__code",
)


def _options() -> QuerySet[CriterionOption]:
    return (
        CriterionOption.objects.current()
        .only("criterion_id", "key", "label", "rank")
        .order_by("rank", "key")
    )


@dataclass(frozen=True)
class Cell:
    """One product's answer to one criterion in the comparison."""

    status: str
    status_label: str
    text: str
    value: Any
    rank: int | None
    stale: bool = False
    mark: str = ""  # "best", "worst" or ""
    details: str = ""  # answer-level details on one line ("Kept at most: 14 days")
    product: str = ""  # the product's name (a phone shows each cell as a card line)

    @property
    def disclosed(self) -> bool:
        """Return whether the product said something (answered or not applicable)."""
        return self.status in (ANSWERED, NOT_APPLICABLE)


@dataclass
class Column:
    """One compared product."""

    product: Product
    key: str
    version: DisclosureVersion | None
    coverage: Coverage | None
    modules: tuple[str, ...] = ()

    @property
    def disclosed(self) -> int | None:
        return self.coverage.disclosed if self.coverage else None

    @property
    def applicable(self) -> int | None:
        return self.coverage.applicable if self.coverage else None

    @property
    def published_at(self) -> datetime | None:
        return self.version.published_at if self.version else None


@dataclass
class Row:
    """One criterion across the compared products."""

    criterion: Criterion
    cells: list[Cell]

    @property
    def answered(self) -> bool:
        """Return whether at least one compared product disclosed this criterion."""
        return any(cell.disclosed for cell in self.cells)

    @property
    def differs(self) -> bool:
        """Return whether the compared products' answers are not all the same."""
        return len({(c.status, c.text, c.details) for c in self.cells}) > 1


@dataclass
class Comparison:
    """The comparison table plus what the form needs to redraw itself."""

    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    domain: str = ""
    module: str = ""
    rows_shown: str = ROWS_ANSWERED
    differences_only: bool = False
    domains: list[Domain] = field(default_factory=list)
    modules: list[Module] = field(default_factory=list)
    total_rows: int = 0  # criteria compared before the row toggles
    unanswered_rows: int = 0  # hidden because no compared product answered
    same_rows: int = 0  # hidden because every product answered the same


def clean_keys(raw: Sequence[str]) -> tuple[list[str], list[str]]:
    """Return (unique keys in order, error messages) for the ``p`` parameters."""
    keys: list[str] = []
    for value in raw:
        key = value.strip().strip("/")[:201]
        if key and key not in keys:
            keys.append(key)
    errors = []
    if len(keys) > MAX_PRODUCTS:
        errors.append(
            _("Compare at most %(max)d products; you chose %(count)d.")
            % {"max": MAX_PRODUCTS, "count": len(keys)}
        )
    return keys, errors


def _cell(
    *,
    criterion: Criterion,
    column: Column,
    scale: dict[str, Any],
    cutoff: date,
) -> Cell:
    if column.version is None:
        return Cell(NO_DISCLOSURE, status_label(NO_DISCLOSURE), "", None, None)
    if criterion.module.code not in column.modules:
        return Cell(NOT_ASKED, status_label(NOT_ASKED), "", None, None)
    view = answer_view(
        code=criterion.code,
        record=(column.version.answers or {}).get(criterion.code),
        scale=scale,
        spec=criterion.scale or {},
        stale_before=cutoff,
    )
    return Cell(
        view.status,
        view.status_label,
        view.text,
        view.value,
        view.rank,
        view.stale,
        details=view.details_text,
    )


def comparison_build(
    *,
    keys: Sequence[str],
    domain: str = "",
    module: str = "",
    rows: str = ROWS_ANSWERED,
    differences_only: bool = False,
) -> Comparison:
    """Return the comparison of the products named by ``keys`` (``vendor/product``).

    Unknown products and more than :data:`MAX_PRODUCTS` give error messages instead
    of a table; unknown ``domain``/``module`` filters are dropped with a message.
    ``rows`` ``"answered"`` keeps the criteria at least one product disclosed,
    ``"all"`` every criterion; ``differences_only`` drops the criteria every product
    answered the same way. The counts of hidden rows are kept for the page.
    """
    keys, errors = clean_keys(keys)
    result = Comparison(
        rows_shown=rows if rows in ROWS_CHOICES else ROWS_ANSWERED,
        differences_only=differences_only,
        errors=errors,
        domains=list(Domain.objects.current().order_by("order", "code")),
        modules=list(Module.objects.current().order_by("order", "code")),
    )
    if domain and domain not in {d.code for d in result.domains}:
        result.errors.append(_("Unknown domain ignored: showing all domains."))
        domain = ""
    if module and module not in {m.code for m in result.modules}:
        result.errors.append(_("Unknown module ignored: showing all modules."))
        module = ""
    result.domain, result.module = domain, module
    if not keys or len(keys) > MAX_PRODUCTS:
        return result
    found = products_by_keys(keys=keys)
    unknown = [k for k in keys if k not in found]
    if unknown:
        result.errors.append(
            _("Unknown product ignored: %(keys)s.") % {"keys": ", ".join(unknown)}
        )
    products = [found[k] for k in keys if k in found]
    if not products:
        return result
    versions = selectors.disclosure_versions_latest_for(
        product_ids=[p.pk for p in products]
    )
    cutoff = stale_before()
    result.columns = [
        Column(
            product=p,
            key=product_key(p),
            version=versions.get(p.pk),
            coverage=coverage_of(versions[p.pk], cutoff=cutoff)
            if p.pk in versions
            else None,
            modules=p.criterion_modules(),
        )
        for p in products
    ]
    modules = {m for p in products for m in p.criterion_modules()}
    # Only the columns the table shows: the comparison is the heaviest public page.
    criteria = (
        privacy_selectors.criteria_for_modules(modules=modules)
        .only(*CRITERION_COLUMNS)
        .prefetch_related(None)
        .prefetch_related(Prefetch("options", queryset=_options()))
    )
    if domain:
        criteria = criteria.filter(domain__code=domain)
    if module:
        criteria = criteria.filter(module__code=module)
    for criterion in criteria:
        # Current ranks and labels: every product on the same ladder.
        options = list(criterion.options.all())
        scale = {
            "kind": criterion.scale_kind,
            "title": criterion.title,
            "labels": {o.key: o.label for o in options},
            "ranks": {o.key: o.rank for o in options},
        }
        cells = [
            _cell(criterion=criterion, column=c, scale=scale, cutoff=cutoff)
            for c in result.columns
        ]
        marks = best_and_worst([cell.rank for cell in cells])
        row = Row(
            criterion=criterion,
            cells=[
                dataclasses.replace(c, mark=m, product=col.product.name)
                for c, m, col in zip(cells, marks, result.columns, strict=True)
            ],
        )
        result.total_rows += 1
        if result.rows_shown == ROWS_ANSWERED and not row.answered:
            result.unanswered_rows += 1
        elif differences_only and not row.differs:
            result.same_rows += 1
        else:
            result.rows.append(row)
    return result


def compare_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the products to choose from, grouped by vendor: (vendor, [(key, name)])."""
    products = Product.objects.select_related("organisation").order_by(
        "organisation__name", "name"
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for product in products:
        groups.setdefault(product.organisation.name, []).append(
            (product_key(product), product.name)
        )
    return list(groups.items())

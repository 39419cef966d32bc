"""Disclosure trends: coverage and protective answers over a product's published versions.

Computed from the changelog's immutable versions (:class:`DisclosureVersion`), so a
trend never changes after the fact. *Coverage* is the share of applicable criteria
the version discloses; the *protective share* is the share of answered criteria
whose answer sits at the protective end of its scale (the best rank of the scale
frozen in the version). The chart's geometry is computed here and drawn by the
template ``vendors/_disclosure_trend.html`` (server-side SVG, no script).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Final

from django.utils import timezone

from cop.privacy.aggregates import Quarter, last_quarters
from vendors import cache, selectors
from vendors.models import AnswerStatus, DisclosureVersion, Product
from vendors.selectors_public.answers import answer_rank

#: The chart's drawing area, in SVG user units (the SVG scales to its container).
WIDTH: Final = 480
HEIGHT: Final = 200
LEFT: Final = 44
RIGHT: Final = 16
TOP: Final = 12
BOTTOM: Final = 36
#: The chart shows at most this many versions (the latest ones).
MAX_POINTS: Final = 12


@dataclass(frozen=True)
class TrendPoint:
    """One published version: its figures (percent) and where the chart draws them."""

    label: str
    date: str
    coverage: int
    protective: int | None
    x: float
    coverage_y: float
    protective_y: float | None

    @property
    def box_x(self) -> float:
        """Return the left edge of the protective marker (a square around the point)."""
        return round(self.x - 4, 1)

    @property
    def box_y(self) -> float | None:
        """Return the top edge of the protective marker."""
        return None if self.protective_y is None else round(self.protective_y - 4, 1)


@dataclass(frozen=True)
class TrendChart:
    """A product's trend, ready for the template (points, paths, axis ticks)."""

    points: list[TrendPoint]
    coverage_path: str
    protective_path: str
    ticks: list[tuple[float, int]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT
    label_y: int = HEIGHT - BOTTOM + 18


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def protective_share(version: DisclosureVersion) -> int | None:
    """Return the percent of answered criteria at the protective end of their scale."""
    answered = 0
    protective = 0
    scales: dict[str, Any] = version.scales or {}
    for code, record in (version.answers or {}).items():
        if record.get("status") != AnswerStatus.ANSWERED:
            continue
        scale = scales.get(code) or {}
        ranks: dict[str, int] = scale.get("ranks") or {}
        rank = answer_rank(scale.get("kind", ""), record.get("value"), ranks)
        if rank is None:
            continue
        answered += 1
        if rank <= min(ranks.values(), default=0):
            protective += 1
    return _percent(protective, answered) if answered else None


def coverage_share(version: DisclosureVersion) -> int:
    """Return the percent of applicable criteria the version discloses."""
    counts = version.coverage or {}
    return _percent(int(counts.get("disclosed", 0)), int(counts.get("applicable", 0)))


def _y(percent: int) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (100 - percent) / 100, 1)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    if count == 1:
        return LEFT + span / 2
    return round(LEFT + span * index / (count - 1), 1)


def chart_from(rows: list[tuple[str, str, int, int | None]]) -> TrendChart | None:
    """Return the chart of ``(label, date, coverage, protective)`` rows, oldest first."""
    if not rows:
        return None
    rows = rows[-MAX_POINTS:]
    points = [
        TrendPoint(
            label=label,
            date=date,
            coverage=coverage,
            protective=protective,
            x=_x(index, len(rows)),
            coverage_y=_y(coverage),
            protective_y=_y(protective) if protective is not None else None,
        )
        for index, (label, date, coverage, protective) in enumerate(rows)
    ]
    return TrendChart(
        points=points,
        coverage_path=" ".join(f"{p.x},{p.coverage_y}" for p in points),
        protective_path=" ".join(
            f"{p.x},{p.protective_y}" for p in points if p.protective_y is not None
        ),
        ticks=[(_y(percent), percent) for percent in (0, 25, 50, 75, 100)],
    )


def disclosure_trend(*, product: Product) -> TrendChart | None:
    """Return the trend of ``product``'s published versions (one query), or None."""
    versions = list(
        selectors.disclosure_version_list(product=product).only(
            "number", "published_at", "answers", "scales", "coverage"
        )[:MAX_POINTS]
    )
    rows = [
        (
            f"v{v.number}",
            v.published_at.date().isoformat(),
            coverage_share(v),
            protective_share(v),
        )
        for v in reversed(versions)
    ]
    return chart_from(rows)


# ----------------------------------------------------------------- product types

#: The per-type trend covers this many quarters, the current one last.
TYPE_TREND_QUARTERS: Final = 4


def _type_rows(
    product_type: str, quarters: list[Quarter]
) -> list[tuple[str, str, int, int | None]]:
    versions = list(
        DisclosureVersion.objects.filter(
            product__product_type=product_type,
            disclosure__live=True,
            published_at__date__lte=quarters[-1].last_day(),
        )
        .only("product_id", "published_at", "answers", "scales", "coverage")
        .order_by("product_id", "published_at")
    )
    rows = []
    for quarter in quarters:
        latest: dict[int, DisclosureVersion] = {}
        for version in versions:
            if version.published_at.date() <= quarter.last_day():
                latest[version.product_id] = version
        if not latest:
            continue
        shares = [protective_share(v) for v in latest.values()]
        known = [share for share in shares if share is not None]
        rows.append(
            (
                str(quarter),
                quarter.last_day().isoformat(),
                round(sum(coverage_share(v) for v in latest.values()) / len(latest)),
                round(sum(known) / len(known)) if known else None,
            )
        )
    return rows


def _build_type_trends(today: datetime.date) -> dict[str, TrendChart | None]:
    quarters = last_quarters(TYPE_TREND_QUARTERS, today=today)
    return {
        kind: chart_from(_type_rows(kind, quarters))
        for kind in Product.ProductType.values
    }


def type_trends() -> dict[str, TrendChart | None]:
    """Return each product type's average coverage and protective share per quarter.

    Each quarter averages, over the type's products, the version in force at the
    quarter's end (products without a published version yet are left out). Cached
    until any product's versions change.
    """
    today = timezone.localdate()
    return cache.published_value(
        scopes=[cache.ANY_PRODUCT_SCOPE, cache.CATALOGUE_SCOPE],
        parts=["type-trends"],
        build=lambda: _build_type_trends(today),
    )

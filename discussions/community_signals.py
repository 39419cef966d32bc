"""Community counts from discussions for vendor pages, under the k-threshold.

Registered with :mod:`vendors.hooks` (``vendors`` never imports ``discussions``):

- **Red flags per product and red flag type**: the distinct library organisations
  whose members raised a red flag of that type about the product, counting only what
  an anonymous reader may see (released or never embargoed, approved, not hidden, in
  a public space). Shown from k organisations (:mod:`cop.privacy.aggregates`).
- **Responsiveness per vendor and quarter**: of the red flags, and apart of the
  licensing questions, about its products asked in a quarter (those an anonymous
  reader sees), the median time to the first official response and the share
  answered within the space's response window. Each kind is shown only for quarters
  with at least k items of that kind; no combined total is shown.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, Q

from cop.members.models import Membership, Organisation
from cop.privacy import aggregates
from cop.privacy.aggregates import Cell, Quarter

if TYPE_CHECKING:
    from vendors.hooks import CountRow, QuarterResponsiveness, ResponseFigures
    from vendors.models import Product


def red_flag_counts_for_product(*, product: Product) -> list[CountRow]:
    """Return the red flag types raised about ``product`` by at least k libraries (one query)."""
    from discussions.models import Topic, TopicKind
    from discussions.permissions import visible_topic_q
    from vendors.hooks import CountRow

    k = aggregates.privacy_k()
    rows = (
        Topic.objects.filter(
            visible_topic_q(None),
            product_id=product.pk,
            kind=TopicKind.RED_FLAG,
            red_flag__isnull=False,
            author__memberships__status=Membership.Status.VERIFIED,
            author__memberships__organisation__kind=Organisation.Kind.LIBRARY,
        )
        .values("red_flag__code", "red_flag__title")
        .annotate(n=Count("author__memberships__organisation", distinct=True))
        .filter(n__gte=k)
        .order_by("-n", "red_flag__code")
    )
    return [
        CountRow(r["red_flag__code"], r["red_flag__title"], Cell(r["n"], k))
        for r in rows
    ]


def _median_days(durations: list[float]) -> float | None:
    """Return the median in days, unanswered items counting as endless (``None``)."""
    median = statistics.median(durations)
    return None if math.isinf(median) else round(median, 1)


def response_figures(
    items: Sequence[tuple[float, float]], *, k: int
) -> ResponseFigures:
    """Return the figures of one kind of item in one quarter, suppressed below ``k``.

    ``items`` are ``(days to the first official response, response window in
    days)``, ``math.inf`` for an item never answered. Below ``k`` items only the
    suppressed count is returned: no median, no share.
    """
    from vendors.hooks import ResponseFigures

    count = aggregates.cell(len(items), k=k)
    if not count.shown:
        return ResponseFigures(items=count)
    within = sum(1 for days, window in items if days <= window)
    return ResponseFigures(
        items=count,
        median_days=_median_days([days for days, _window in items]),
        within_window_percent=round(100 * within / len(items)),
    )


def responsiveness_for_vendor(
    *, vendor: Any, quarters: list[str]
) -> list[QuarterResponsiveness]:
    """Return one row per quarter in ``quarters`` (``YYYY-Qn``, oldest first; one query).

    Red flags and licensing questions are counted apart, each kind a fixed cell of
    its own under the k-threshold (:func:`response_figures`).
    """
    from discussions.models import ReviewState, Topic, TopicKind
    from discussions.permissions import visible_topic_q

    k = aggregates.privacy_k()
    parsed = [q for q in (Quarter.parse(text) for text in quarters) if q is not None]
    if not parsed:
        return []
    start = datetime.datetime.combine(
        parsed[0].first_day(), datetime.time.min, tzinfo=datetime.UTC
    )
    topics = (
        Topic.objects.filter(
            visible_topic_q(None),
            product__organisation_id=vendor.pk,
            kind__in=[TopicKind.RED_FLAG, TopicKind.QUESTION],
            created_at__gte=start,
        )
        .annotate(
            # The vendor's official word: its response to a red flag, or a reply
            # that a representative of the product's vendor posted as the vendor.
            first_response=Min(
                "posts__created_at",
                filter=(
                    Q(posts__is_vendor_response=True)
                    | Q(posts__organisation_id=F("product__organisation_id"))
                )
                & Q(
                    posts__number__gt=1,
                    posts__hidden_at__isnull=True,
                    posts__review_state=ReviewState.APPROVED,
                ),
            )
        )
        .values_list(
            "kind", "created_at", "first_response", "space__red_flag_window_days"
        )
        .order_by()
    )
    return responsiveness_rows(rows=topics, quarters=parsed, k=k)


def responsiveness_rows(
    *,
    rows: Iterable[tuple[str, datetime.datetime, datetime.datetime | None, int]],
    quarters: Sequence[Quarter],
    k: int,
) -> list[QuarterResponsiveness]:
    """Group ``(kind, asked, first official response, window days)`` rows per quarter.

    Red flags and licensing questions are separate cells of each quarter, each
    suppressed below ``k`` on its own (:func:`response_figures`). Items of other
    kinds and quarters not asked for are left out.
    """
    from discussions.models import TopicKind
    from vendors.hooks import QuarterResponsiveness

    per_cell: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for kind, created, answered, window_days in rows:
        days = (answered - created).total_seconds() / 86400 if answered else math.inf
        per_cell[(kind, str(Quarter.of(created.date())))].append((days, window_days))
    return [
        QuarterResponsiveness(
            quarter=quarter,
            red_flags=response_figures(
                per_cell.get((TopicKind.RED_FLAG, quarter), []), k=k
            ),
            licensing=response_figures(
                per_cell.get((TopicKind.QUESTION, quarter), []), k=k
            ),
        )
        for quarter in map(str, quarters)
    ]


def register() -> None:
    """Register the providers with :mod:`vendors.hooks` (from AppConfig.ready)."""
    from vendors.hooks import product_red_flag_counts, vendor_responsiveness

    product_red_flag_counts.register("discussions", red_flag_counts_for_product)
    vendor_responsiveness.register("discussions", responsiveness_for_vendor)

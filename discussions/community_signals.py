"""Community counts from discussions for vendor pages, under the k-threshold.

Registered with :mod:`vendors.hooks` (``vendors`` never imports ``discussions``):

- **Red flags per product and red flag type**: the distinct library organisations
  whose members raised a red flag of that type about the product, counting only what
  an anonymous reader may see (released or never embargoed, approved, not hidden, in
  a public space). Shown from k organisations (:mod:`cop.privacy.aggregates`).
- **Responsiveness per vendor and quarter**: of the red flags and licensing questions
  about its products asked in a quarter (those an anonymous reader sees), the median
  time to the first official response and the share answered within the space's
  response window. Shown only for quarters with at least k items.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q

from cop.members.models import Membership, Organisation
from cop.privacy import aggregates
from cop.privacy.aggregates import Cell, Quarter

if TYPE_CHECKING:
    from vendors.hooks import CountRow, QuarterResponsiveness
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


def responsiveness_for_vendor(
    *, vendor: Any, quarters: list[str]
) -> list[QuarterResponsiveness]:
    """Return one row per quarter in ``quarters`` (``YYYY-Qn``, oldest first; one query)."""
    from discussions.models import Topic, TopicKind
    from discussions.permissions import visible_topic_q
    from vendors.hooks import QuarterResponsiveness

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
            first_response=Min(
                "posts__created_at",
                filter=Q(posts__is_vendor_response=True, posts__hidden_at__isnull=True),
            )
        )
        .values_list("created_at", "first_response", "space__red_flag_window_days")
        .order_by()
    )
    per_quarter: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for created, answered, window_days in topics:
        days = (answered - created).total_seconds() / 86400 if answered else math.inf
        per_quarter[str(Quarter.of(created.date()))].append((days, window_days))
    result = []
    for quarter in map(str, parsed):
        items = per_quarter.get(quarter, [])
        count = aggregates.cell(len(items), k=k)
        if not count.shown:
            result.append(QuarterResponsiveness(quarter=quarter, items=count))
            continue
        within = sum(1 for days, window in items if days <= window)
        result.append(
            QuarterResponsiveness(
                quarter=quarter,
                items=count,
                median_days=_median_days([days for days, _window in items]),
                within_window_percent=round(100 * within / len(items)),
            )
        )
    return result


def register() -> None:
    """Register the providers with :mod:`vendors.hooks` (from AppConfig.ready)."""
    from vendors.hooks import product_red_flag_counts, vendor_responsiveness

    product_red_flag_counts.register("discussions", red_flag_counts_for_product)
    vendor_responsiveness.register("discussions", responsiveness_for_vendor)

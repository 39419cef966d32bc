"""The transparency report's figures: law-enforcement requests per half-year.

Counts only; the agency, the details and the legal basis of a request never leave
the admin. Counts follow the site's k-threshold rule (:mod:`cop.privacy.aggregates`):
a count below k reads "fewer than k", and a half-year's total is shown only when it
reveals no suppressed count by subtraction, so no single request can be singled out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.privacy.aggregates import Cell, privacy_k, sum_total
from cop.privacy.models import LegalRequest


@dataclass(frozen=True)
class HalfYear:
    """The requests received in one half-year, counted three ways."""

    year: int
    half: int  # 1: January to June, 2: July to December
    total: Cell
    by_outcome: list[tuple[str, Cell]]
    by_kind: list[tuple[str, Cell]]
    by_notice: list[tuple[str, Cell]]
    received: int  # the exact total, for the "no request so far" sentence only

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("January to June %(year)d") % {"year": self.year}
        return _("July to December %(year)d") % {"year": self.year}


def _half(day: date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def legal_request_report(*, today: date | None = None) -> list[HalfYear]:
    """Return every half-year from the first request to the current one, newest first.

    Half-years without a request are listed with zeros: an empty period is part of
    the report. One query, whatever the number of requests.
    """
    rows = (
        LegalRequest.objects.annotate(
            year=ExtractYear("received_on"),
            half=Case(
                When(received_on__month__lte=6, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
        )
        .values("year", "half", "kind", "outcome", "member_notice")
        .annotate(n=Count("id"))
        .order_by()
    )
    outcomes: dict[tuple[int, int], Counter[str]] = {}
    kinds: dict[tuple[int, int], Counter[str]] = {}
    notices: dict[tuple[int, int], Counter[str]] = {}
    for row in rows:
        key = (int(row["year"]), int(row["half"]))
        outcomes.setdefault(key, Counter())[row["outcome"]] += row["n"]
        kinds.setdefault(key, Counter())[row["kind"]] += row["n"]
        notices.setdefault(key, Counter())[row["member_notice"]] += row["n"]
    current = _half(today or timezone.localdate())
    first = min(outcomes, default=current)
    k = privacy_k()
    report: list[HalfYear] = []
    key = current
    while key >= first:
        breakdowns = []
        totals = []
        for counts, choices in (
            (outcomes.get(key, Counter()), LegalRequest.Outcome),
            (kinds.get(key, Counter()), LegalRequest.Kind),
            (notices.get(key, Counter()), LegalRequest.Notice),
        ):
            shown, total = sum_total(
                parts={c.value: counts[c.value] for c in choices}, k=k
            )
            breakdowns.append([(str(c.label), shown[c.value]) for c in choices])
            totals.append(total)
        received = sum(outcomes.get(key, Counter()).values())
        # The total is safe only if no breakdown's subtraction reveals a hidden count.
        visible = all(total.shown for total in totals)
        report.append(
            HalfYear(
                year=key[0],
                half=key[1],
                total=Cell(received if visible else None, k),
                by_outcome=breakdowns[0],
                by_kind=breakdowns[1],
                by_notice=breakdowns[2],
                received=received,
            )
        )
        key = (key[0], 1) if key[1] == 2 else (key[0] - 1, 2)
    return report

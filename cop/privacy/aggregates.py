"""Counts that never expose a person: k-thresholds over fixed cells.

Any app that publishes community counts (how many libraries ask for something, how
many red flags a product has) builds them with this module, so that one rule holds
everywhere:

- **A cell counts distinct organisations**, never people or rows: several workers of
  one library count once (:func:`distinct_counts`).
- **A cell is shown only when it counts at least k** (``settings.COP_PRIVACY_K``,
  default 5, see :func:`privacy_k`); below k it reads "fewer than k", and an empty
  cell reads the same, so that nobody learns whether anyone is in it (:class:`Cell`).
- **Cells are fixed in advance** (product x criterion, product type x criterion,
  vendor x quarter): callers never narrow a cell by a filter a reader chooses.
- **Totals are suppressed when they would reveal a suppressed cell by subtraction**
  (complementary suppression): a sum of cells (:func:`sum_total`), a count over a union
  of cells (:func:`union_total`) and a running series over quarters (:func:`series`)
  are shown only when what they add to the shown cells is nothing or at least k.
- **Time is bucketed by quarter only** (:class:`Quarter`); nothing finer is stored or
  shown, so a count's change cannot be tied to a day.

The functions are pure (no database): selectors fetch the rows, these decide what may
be shown. A change between two snapshots taken at different times (a count that goes
from 9 to 10) is outside what a threshold can hide; quarter buckets and the absence of
per-row timestamps keep such changes coarse.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple, TypeVar

from django.conf import settings
from django.utils.translation import gettext

#: Threshold used when ``settings.COP_PRIVACY_K`` is not set.
DEFAULT_K: Final = 5
#: No threshold below this is accepted: a cell of one is a person.
MIN_K: Final = 2

K = TypeVar("K", bound=Hashable)

_QUARTER_RE: Final = re.compile(r"(?P<year>[0-9]{4})-Q(?P<number>[1-4])")


def privacy_k() -> int:
    """Return the threshold k (``settings.COP_PRIVACY_K``, at least :data:`MIN_K`)."""
    k = int(getattr(settings, "COP_PRIVACY_K", DEFAULT_K))
    return max(k, MIN_K)


@dataclass(frozen=True)
class Cell:
    """One published count: its value when shown, ``None`` when suppressed."""

    value: int | None
    k: int

    @property
    def shown(self) -> bool:
        """Return whether the count may be shown."""
        return self.value is not None

    @property
    def display(self) -> str:
        """Return the count as readers see it: the number, or "fewer than k"."""
        if self.value is None:
            return gettext("fewer than %(k)s") % {"k": self.k}
        return str(self.value)

    def __str__(self) -> str:
        return self.display


def cell(count: int, *, k: int) -> Cell:
    """Return ``count`` as a cell: shown when at least ``k``, suppressed otherwise."""
    return Cell(count if count >= k else None, k)


def cells(counts: Mapping[K, int], *, k: int) -> dict[K, Cell]:
    """Return every count of ``counts`` as a cell (primary suppression)."""
    return {key: cell(count, k=k) for key, count in counts.items()}


def distinct_counts(pairs: Iterable[tuple[K, Hashable]]) -> dict[K, int]:
    """Count distinct members (organisation IDs) per cell key in ``(key, member)`` pairs."""
    members: dict[K, set[Hashable]] = defaultdict(set)
    for key, member in pairs:
        members[key].add(member)
    return {key: len(found) for key, found in members.items()}


def hidden_remainder_safe(*, remainder: int, hidden_cells: int, k: int) -> bool:
    """Return whether a total may be shown, given what it adds to the shown cells.

    ``remainder`` is how much the total holds beyond the shown cells and
    ``hidden_cells`` how many cells are suppressed (empty ones included). A reader who
    subtracts learns the remainder, so it must fit two or more hidden cells in many
    ways, one of them leaving any given hidden cell empty: at least 1 and at most
    what the other hidden cells could hold (``(hidden_cells - 1) * (k - 1)``). With no
    hidden cell there is nothing to reveal.
    """
    if hidden_cells == 0:
        return remainder == 0
    return hidden_cells >= 2 and 1 <= remainder <= (hidden_cells - 1) * (k - 1)


def sum_total(*, parts: Mapping[K, int], k: int) -> tuple[dict[K, Cell], Cell]:
    """Return the cells of ``parts`` and of their sum, with complementary suppression.

    The total is shown only when it is at least ``k`` and subtracting the shown parts
    from it pins no suppressed part, nor tells that one is empty or not
    (:func:`hidden_remainder_safe`).
    """
    shown = cells(parts, k=k)
    hidden = [key for key, c in shown.items() if not c.shown]
    total = sum(parts.values())
    remainder = sum(parts[key] for key in hidden)
    visible = total >= k and hidden_remainder_safe(
        remainder=remainder, hidden_cells=len(hidden), k=k
    )
    return shown, Cell(total if visible else None, k)


def union_total(*, total: int, uncovered: int, hidden_cells: int, k: int) -> Cell:
    """Return a count of distinct members over a union of cells (e.g. a product type).

    ``total`` counts the distinct members of the union; ``uncovered`` those in no
    *shown* cell; ``hidden_cells`` how many cells of the union are suppressed or never
    shown on their own. The same rule as :func:`sum_total` applies to ``uncovered``,
    an upper bound of what a reader can learn by comparing the total with the cells.
    """
    visible = total >= k and hidden_remainder_safe(
        remainder=uncovered, hidden_cells=hidden_cells, k=k
    )
    return Cell(total if visible else None, k)


def series(values: Sequence[int], *, k: int) -> list[Cell]:
    """Return a running count over consecutive periods, oldest first, as cells.

    The last value (the present, which other pages show too) is shown when at least
    ``k``. Walking back, an earlier value is shown only when it is at least ``k`` and
    differs from every value already shown by nothing or by at least ``k``, so that no
    two shown values differ by fewer than ``k`` members (those who joined between).
    """
    result: list[Cell] = [Cell(None, k)] * len(values)
    shown: list[int] = []
    for index in range(len(values) - 1, -1, -1):
        value = values[index]
        if value < k:
            continue
        if all(other == value or abs(other - value) >= k for other in shown):
            result[index] = Cell(value, k)
            shown.append(value)
    return result


class Quarter(NamedTuple):
    """A calendar quarter, the finest time bucket of any published count."""

    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def of(cls, day: datetime.date) -> Quarter:
        """Return the quarter ``day`` (a date or an aware datetime) falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """Return the quarter written ``YYYY-Qn``, or ``None`` if ``text`` is not one."""
        match = _QUARTER_RE.fullmatch(text)
        if match is None:
            return None
        return cls(int(match["year"]), int(match["number"]))

    def previous(self) -> Quarter:
        """Return the quarter before this one."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def first_day(self) -> datetime.date:
        """Return the first day of the quarter."""
        return datetime.date(self.year, 3 * self.number - 2, 1)

    def last_day(self) -> datetime.date:
        """Return the last day of the quarter."""
        if self.number == 4:
            return datetime.date(self.year, 12, 31)
        return Quarter(self.year, self.number + 1).first_day() - datetime.timedelta(
            days=1
        )


def last_quarters(count: int, *, today: datetime.date) -> list[Quarter]:
    """Return the ``count`` quarters up to and including ``today``'s, oldest first."""
    quarters = [Quarter.of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters[::-1]

"""The k-threshold rules of cop.privacy.aggregates (pure functions, no database)."""

from __future__ import annotations

import datetime
import itertools

from hypothesis import given
from hypothesis import strategies as st

from cop.privacy import aggregates
from cop.privacy.aggregates import Cell, Quarter

K = 5


def test_privacy_k_reads_the_setting(settings):
    settings.COP_PRIVACY_K = 7
    assert aggregates.privacy_k() == 7


def test_privacy_k_never_goes_below_two(settings):
    settings.COP_PRIVACY_K = 1
    assert aggregates.privacy_k() == aggregates.MIN_K


def test_cell_below_k_reads_fewer_than_k():
    assert aggregates.cell(4, k=K).display == "fewer than 5"
    assert aggregates.cell(0, k=K).display == "fewer than 5"
    assert not aggregates.cell(4, k=K).shown


def test_cell_at_k_is_shown():
    shown = aggregates.cell(5, k=K)
    assert shown.shown
    assert str(shown) == "5"


def test_distinct_counts_counts_each_member_once_per_cell():
    pairs = [("a", 1), ("a", 1), ("a", 2), ("b", 1)]
    assert aggregates.distinct_counts(pairs) == {"a": 2, "b": 1}


def test_sum_total_with_one_small_part_is_suppressed():
    # given: 10 + 3 = 13; showing 13 next to 10 would give the 3 away
    parts, total = aggregates.sum_total(parts={"x": 10, "y": 3}, k=K)
    assert parts["x"].value == 10
    assert not parts["y"].shown
    assert not total.shown


def test_sum_total_with_hidden_remainder_spread_over_cells_is_shown():
    parts, total = aggregates.sum_total(parts={"x": 10, "y": 3, "z": 1}, k=K)
    assert total.value == 14
    assert not parts["y"].shown
    assert not parts["z"].shown


def test_sum_total_with_a_remainder_that_fills_every_hidden_cell_is_suppressed():
    # 4 + 4 = 8 > 4: each hidden part must be at least 4, so neither can be empty
    _parts, total = aggregates.sum_total(parts={"x": 10, "y": 4, "z": 4}, k=K)
    assert not total.shown


def test_sum_total_with_empty_suppressed_parts_is_suppressed():
    # empty cells and small cells must look alike
    _parts, total = aggregates.sum_total(parts={"x": 10, "y": 0, "z": 0}, k=K)
    assert not total.shown


def test_sum_total_with_every_part_shown_is_shown():
    _parts, total = aggregates.sum_total(parts={"x": 10, "y": 6}, k=K)
    assert total.value == 16


def test_union_total_rules():
    def union(total: int, uncovered: int, hidden: int) -> bool:
        return aggregates.union_total(
            total=total, uncovered=uncovered, hidden_cells=hidden, k=K
        ).shown

    assert union(9, 0, 0)
    assert not union(9, 2, 1)  # one hidden cell: the difference is that cell
    assert not union(9, 0, 2)  # hidden cells all empty: that would show
    assert union(9, 3, 2)
    assert not union(9, 5, 2)  # 5 > 4: the other hidden cell cannot be empty
    assert not union(4, 0, 0)  # below k


def test_series_hides_a_step_smaller_than_k():
    values = [5, 6, 12, 12]
    shown = [c.value for c in aggregates.series(values, k=K)]
    # 12 (now), 12 (no change), 6 differs by 6, 5 differs from 6 by one: hidden
    assert shown == [None, 6, 12, 12]


def test_quarter_of_and_bounds():
    quarter = Quarter.of(datetime.date(2026, 12, 4))
    assert str(quarter) == "2026-Q4"
    assert quarter.first_day() == datetime.date(2026, 10, 1)
    assert quarter.last_day() == datetime.date(2026, 12, 31)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 2).last_day() == datetime.date(2026, 6, 30)


def test_quarter_parse_rejects_bad_text():
    assert Quarter.parse("2026-Q3") == Quarter(2026, 3)
    for bad in ("2026-Q5", "2026-Q", "26-Q1", "2026Q1", "", "2026-Q1x"):
        assert Quarter.parse(bad) is None


def test_last_quarters_ends_with_today():
    quarters = aggregates.last_quarters(4, today=datetime.date(2026, 2, 1))
    assert [str(q) for q in quarters] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]


# ----------------------------------------------------------------- properties


def _feasible_hidden(
    parts: dict[str, int], shown: dict[str, Cell], total: Cell
) -> dict[str, set[int]]:
    """Every value each hidden part can take, given all that is published."""
    hidden = [key for key, c in shown.items() if not c.shown]
    ranges = [range(K)] * len(hidden)
    found: dict[str, set[int]] = {key: set() for key in hidden}
    visible_sum = sum(c.value or 0 for c in shown.values())
    for combo in itertools.product(*ranges):
        if total.shown and visible_sum + sum(combo) != total.value:
            continue
        for key, value in zip(hidden, combo, strict=True):
            found[key].add(value)
    return found


@given(st.dictionaries(st.sampled_from("abcd"), st.integers(0, 12), min_size=1))
def test_sum_total_never_pins_a_hidden_part(parts):
    # given: any parts; when: the cells and the total are published
    shown, total = aggregates.sum_total(parts=parts, k=K)
    # then: every hidden part could still be empty or any other value below k
    for key, values in _feasible_hidden(parts, shown, total).items():
        assert 0 in values, key
        assert len(values) > 1, key


@given(st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_series_never_shows_two_values_closer_than_k(values):
    published = [c.value for c in aggregates.series(values, k=K) if c.shown]
    for a, b in itertools.combinations(published, 2):
        assert a == b or abs(a - b) >= K
    assert all(v >= K for v in published)
    if values[-1] >= K:
        assert aggregates.series(values, k=K)[-1].value == values[-1]

"""The changelog's pure comparison functions, per scale kind."""

from __future__ import annotations

import pytest

from vendors.services.changelog import (
    IMPROVED,
    MIXED,
    REGRESSED,
    SAME,
    Direction,
    answer_change,
    changelog_between,
    changelog_summary,
    compare_list,
    compare_multi,
    compare_single,
    compare_table,
)

RANKS = {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    ("old", "new", "move"),
    [("b", "a", IMPROVED), ("a", "c", REGRESSED), ("b", "b", SAME), ("b", "zz", SAME)],
)
def test_compare_single_by_rank(old, new, move):
    assert compare_single(RANKS, old, new) == move


@pytest.mark.parametrize(
    ("old", "new", "move"),
    [
        (["a", "c"], ["a", "b"], IMPROVED),  # worst went from c to b
        (["a"], ["a", "c"], REGRESSED),  # worst went from a to c
        ([], ["a"], REGRESSED),  # none -> one use
        (["a", "c"], ["c"], IMPROVED),  # same worst, an option removed
        (["c"], ["b", "c"], REGRESSED),  # same worst, an option added
        (["a", "c"], ["b", "c"], MIXED),  # same worst, one swapped
        (["a", "b"], ["b", "a"], SAME),
    ],
)
def test_compare_multi_worst_then_set_difference(old, new, move):
    assert compare_multi(RANKS, old, new) == move


def test_compare_table_per_row():
    old = {"x": {"option": "b"}, "y": {"option": "b"}, "gone": {"option": "a"}}
    new = {
        "x": {"option": "a"},
        "y": {"option": "b", "requirement": "optional"},
        "new": {"option": "c"},
    }
    move, rows = compare_table(RANKS, old, new)
    assert move == IMPROVED
    assert rows == {"x": "improved", "y": "changed", "gone": "removed", "new": "added"}


def test_compare_table_rows_both_ways_is_mixed():
    move, _rows = compare_table(
        RANKS,
        {"x": {"option": "b"}, "y": {"option": "b"}},
        {"x": {"option": "a"}, "y": {"option": "c"}},
    )
    assert move == MIXED


def test_compare_list_by_overall_option_only():
    assert (
        compare_list(
            RANKS, {"option": "c", "entries": []}, {"option": "a", "entries": []}
        )
        == IMPROVED
    )
    assert (
        compare_list(
            RANKS,
            {"option": "a", "entries": []},
            {"option": "a", "entries": [{"name": "x"}]},
        )
        == SAME
    )


def _answered(value, **extra):
    return {"status": "answered", "value": value, "basis": "public_policy", **extra}


SCALE = {"kind": "ordinal", "ranks": RANKS, "title": "T"}


def test_answer_change_not_disclosed_to_answered_is_newly_disclosed():
    change = answer_change(code="C", scale=SCALE, old=None, new=_answered("c"))
    assert change.direction == Direction.NEWLY_DISCLOSED


def test_answer_change_answered_to_not_disclosed_is_no_longer_disclosed():
    change = answer_change(
        code="C", scale=SCALE, old=_answered("a"), new={"status": "not_disclosed"}
    )
    assert change.direction == Direction.NO_LONGER_DISCLOSED


def test_answer_change_not_applicable_from_gap_is_newly_disclosed():
    change = answer_change(
        code="C",
        scale=SCALE,
        old=None,
        new={"status": "not_applicable", "status_reason": "r"},
    )
    assert change.direction == Direction.NEWLY_DISCLOSED


def test_answer_change_evidence_only_is_changed_neither_way():
    old = _answered("b", evidence=[{"url": "https://a.example/"}])
    new = _answered("b", evidence=[{"url": "https://b.example/"}])
    change = answer_change(code="C", scale=SCALE, old=old, new=new)
    assert change.direction == Direction.CHANGED
    assert change.parts == ("evidence",)


def test_answer_change_identical_is_none():
    assert (
        answer_change(
            code="C", scale=SCALE, old=_answered("a"), new=_answered("a", note="")
        )
        is None
    )
    assert (
        answer_change(code="C", scale=SCALE, old=None, new={"status": "not_disclosed"})
        is None
    )


def test_changelog_between_orders_by_new_version_and_counts():
    scales = {"A": SCALE, "B": SCALE, "C": SCALE}
    old = {"A": _answered("b"), "B": _answered("a"), "C": {"status": "not_disclosed"}}
    new = {"A": _answered("a"), "B": _answered("c"), "C": _answered("b")}
    changes = changelog_between(
        old_answers=old, old_scales=scales, new_answers=new, new_scales=scales
    )
    assert [(c.code, c.direction.value) for c in changes] == [
        ("A", "improved"),
        ("B", "regressed"),
        ("C", "newly_disclosed"),
    ]
    summary = changelog_summary(changes)
    assert (
        summary["improved"] == summary["regressed"] == summary["newly_disclosed"] == 1
    )
    assert summary["mixed"] == 0


# ----------------------------------------------------------------- in words


def _words(old, new, scale=None):
    from vendors.services.changelog import answer_change

    scale = scale or {
        "kind": "ordinal",
        "title": "T",
        "ranks": {"a": 1, "b": 2},
        "labels": {"a": "Off by default", "b": "On by default"},
    }
    change = answer_change(code="X-01", scale=scale, old=old, new=new)
    assert change is not None
    return change.in_words


def test_change_in_words_names_option_labels_not_keys():
    words = _words(
        {"status": "answered", "value": "b", "as_of": "2025-01-01"},
        {"status": "answered", "value": "a", "as_of": "2026-01-01"},
    )

    assert words == (
        "From “On by default” to “Off by default”. Also updated: the date last confirmed."
    )


def test_change_in_words_for_a_reconfirmed_answer_says_so():
    words = _words(
        {"status": "answered", "value": "a", "as_of": "2025-01-01"},
        {"status": "answered", "value": "a", "as_of": "2026-01-01"},
    )

    assert words == "Confirmed again; the answer did not change."


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            None,
            {"status": "answered", "value": "a"},
            "Now disclosed: “Off by default”.",
        ),
        (
            None,
            {"status": "not_applicable", "status_reason": "r"},
            "Now marked not applicable.",
        ),
        (
            {"status": "answered", "value": "b"},
            None,
            "No longer disclosed (it was “On by default”).",
        ),
        (
            {"status": "answered", "value": "a", "evidence": [1], "basis": "x"},
            {"status": "answered", "value": "a", "evidence": [2], "basis": "y"},
            "Updated: the evidence basis and the sources cited.",
        ),
    ],
)
def test_change_in_words_cases(old, new, expected):
    assert _words(old, new) == expected


def test_change_in_words_tells_what_happened_to_table_rows():
    scale = {"kind": "table", "title": "T", "ranks": {"a": 1, "b": 2}, "labels": {}}
    words = _words(
        {"status": "answered", "value": {"activity_history": {"option": "b"}}},
        {
            "status": "answered",
            "value": {"activity_history": {"option": "a"}, "logs": {"option": "a"}},
        },
        scale,
    )

    assert words == "Rows: Activity history: improved; Logs: added."

"""Pure ranking and rendering of published answer records."""

from __future__ import annotations

import datetime as dt

import pytest

from vendors.selectors_public.answers import (
    answer_rank,
    answer_text,
    answer_view,
    best_and_worst,
    safe_url,
)

RANKS = {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("ordinal", "b", 2),
        ("boolean", "a", 1),
        ("ordinal", "unknown", None),
        ("multi", ["a", "c"], 3),
        ("multi", [], 0),  # none of these apply: better than any choice
        ("table", {"r1": {"option": "a"}, "r2": {"option": "c"}}, 3),  # worst row
        ("table", {}, None),
        ("list", {"option": "b", "entries": [{}]}, 2),
        ("ordinal", None, None),
        ("table", "garbage", None),
    ],
)
def test_answer_rank_by_scale_kind(kind, value, expected):
    assert answer_rank(kind, value, RANKS) == expected


@pytest.mark.parametrize(
    ("ranks", "marks"),
    [
        ([1, 3, None, 2], ["best", "worst", "", ""]),
        ([2, 2], ["", ""]),  # all equal: nothing stands out
        ([1, None], ["", ""]),  # a gap is never worst
        ([None, None], ["", ""]),
        ([0, 1, 1], ["best", "worst", "worst"]),
    ],
)
def test_best_and_worst_marks_only_ranked_extremes(ranks, marks):
    assert best_and_worst(ranks) == marks


def test_answer_text_table_uses_row_and_option_labels():
    text = answer_text(
        "table",
        {"loans": {"option": "a"}},
        {"a": "Not collected"},
        {"loans": "Loans, holds and fines"},
    )

    assert text == "Loans, holds and fines: Not collected"


def test_answer_view_marks_old_answers_stale_and_drops_unsafe_links():
    record = {
        "status": "answered",
        "value": "a",
        "as_of": "2020-01-01",
        "evidence": [{"url": "javascript:alert(1)", "document_type": "other"}],
    }

    view = answer_view(
        code="X-01",
        record=record,
        scale={"kind": "ordinal", "labels": {"a": "A"}, "ranks": RANKS},
        stale_before=dt.date(2021, 1, 1),
    )

    assert view.stale
    assert view.rank == 1
    assert view.evidence[0].url == ""


def test_answer_view_missing_record_is_not_disclosed():
    view = answer_view(code="X-01", record=None, scale={"kind": "ordinal"})

    assert view.status == "not_disclosed"
    assert view.rank is None
    assert view.is_gap


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://v.example/p", True),
        ("http://v.example/p", True),
        ("/documents/1/x.pdf", True),
        ("//evil.example/", False),
        ("data:text/html,x", False),
    ],
)
def test_safe_url_keeps_only_http_and_site_links(url, kept):
    assert (safe_url(url) == url) is kept

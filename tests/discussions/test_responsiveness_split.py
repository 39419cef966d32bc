"""Responsiveness: red flags and licensing questions counted apart, each under k."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cop.privacy.aggregates import Quarter
from cop.privacy.models import RedFlag
from discussions import community_signals, services
from tests.discussions.conftest import *  # noqa: F403
from tests.discussions.signals_support import released_red_flags
from tests.vendors.priorities_support import *  # noqa: F403
from tests.vendors.priorities_support import libraries

KINDS = ("red_flag", "question", "general")
QUARTERS = [Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)]

answer_days = st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 24))
item = st.tuples(
    st.sampled_from(KINDS),
    st.datetimes(
        min_value=dt.datetime(2025, 12, 1),  # noqa: DTZ001 - made aware below
        max_value=dt.datetime(2026, 10, 31),  # noqa: DTZ001
    ),
    answer_days,
    st.integers(min_value=1, max_value=90),
)


def _rows(items: list[tuple[str, dt.datetime, int | None, int]]) -> list[Any]:
    rows = []
    for kind, asked, hours, window in items:
        created = asked.replace(tzinfo=dt.UTC)
        answered = None if hours is None else created + dt.timedelta(hours=hours)
        rows.append((kind, created, answered, window))
    return rows


@settings(max_examples=200, deadline=None)
@given(items=st.lists(item, max_size=40), k=st.integers(min_value=2, max_value=8))
def test_each_kind_is_its_own_cell_suppressed_below_k(items, k):
    rows = _rows(items)

    result = community_signals.responsiveness_rows(rows=rows, quarters=QUARTERS, k=k)

    assert [row.quarter for row in result] == [str(q) for q in QUARTERS]
    for row in result:
        for kind, figures in (("red_flag", row.red_flags), ("question", row.licensing)):
            mine = [
                (answered, created, window)
                for k_, created, answered, window in rows
                if k_ == kind and str(Quarter.of(created.date())) == row.quarter
            ]
            if len(mine) < k:
                # below k: nothing but "not enough items", not even the count
                assert not figures.items.shown
                assert figures.median_days is None
                assert figures.within_window_percent is None
                continue
            assert figures.items.shown
            assert figures.items.value == len(mine)
            days = [
                math.inf if a is None else (a - c).total_seconds() / 86400
                for a, c, _w in mine
            ]
            median = statistics.median(days)
            expected = None if math.isinf(median) else round(median, 1)
            assert figures.median_days == expected
            within = sum(1 for d, (_a, _c, w) in zip(days, mine, strict=True) if d <= w)
            assert figures.within_window_percent == round(100 * within / len(mine))


@settings(max_examples=100, deadline=None)
@given(items=st.lists(item, max_size=30), k=st.integers(min_value=2, max_value=6))
def test_a_kind_below_k_reads_the_same_whatever_its_items(items, k):
    # Two vote sets that differ only in a suppressed cell's items look the same.
    rows = _rows(items)
    spring = str(QUARTERS[1])
    others = [
        r
        for r in rows
        if not (r[0] == "question" and str(Quarter.of(r[1].date())) == spring)
    ]
    few = [
        r for r in rows if r[0] == "question" and str(Quarter.of(r[1].date())) == spring
    ][: k - 1]
    quiet = community_signals.responsiveness_rows(rows=others, quarters=QUARTERS, k=k)
    busy = community_signals.responsiveness_rows(
        rows=others + few, quarters=QUARTERS, k=k
    )
    assert [
        (
            r.quarter,
            str(r.red_flags.items),
            r.red_flags.median_days,
            str(r.licensing.items),
            r.licensing.median_days,
        )
        for r in quiet
    ] == [
        (
            r.quarter,
            str(r.red_flags.items),
            r.red_flags.median_days,
            str(r.licensing.items),
            r.licensing.median_days,
        )
        for r in busy
    ]


# ----------------------------------------------------------------- from the database


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


def _questions(count, *, space, product, prefix):
    topics = []
    for org, worker in libraries(count, prefix):
        topics.append(
            services.topic_create(
                actor=worker,
                space=space,
                kind="question",
                title=f"Licence terms at {org.name}",
                body="May the vendor keep patron data after the contract ends?",
                product=product,
            )
        )
    return topics


def _red_flags(count, *, space, product, moderator, prefix):
    red_flag = RedFlag.objects.order_by("code").first()
    return released_red_flags(
        count,
        space=space,
        product=product,
        moderator=moderator,
        red_flag=red_flag,
        prefix=prefix,
    )


@pytest.fixture
def spring_items(public_space, product_a, moderator, vendor_rep_a):
    """Six licensing questions (four answered by the vendor after 3 days), two flags."""
    with time_machine.travel("2026-05-04 09:00Z", tick=False):
        questions = _questions(6, space=public_space, product=product_a, prefix="lq")
        _red_flags(
            2, space=public_space, product=product_a, moderator=moderator, prefix="rf"
        )
    with time_machine.travel("2026-05-07 09:00Z", tick=False):
        for topic in questions[:4]:
            services.post_create(
                actor=vendor_rep_a, topic=topic, body="Our contract deletes it."
            )
    # a library's reply is not the vendor's word
    with time_machine.travel("2026-05-05 09:00Z", tick=False):
        _org, other = libraries(1, "reply")[0]
        services.post_create(actor=other, topic=questions[5], body="Ask for a clause.")
    return questions


@pytest.mark.django_db
def test_licensing_questions_count_the_vendors_replies(spring_items, product_a):
    (row,) = community_signals.responsiveness_for_vendor(
        vendor=product_a.organisation, quarters=["2026-Q2"]
    )
    assert row.licensing.items.value == 6
    assert row.licensing.median_days == 3.0
    assert row.licensing.within_window_percent == 67  # 4 of 6 within 14 days
    assert not row.red_flags.items.shown  # two flags: not enough items
    assert row.red_flags.median_days is None


@pytest.mark.django_db
def test_vendor_page_shows_each_kind_apart(client, spring_items, product_a):
    with time_machine.travel("2026-06-20 09:00Z", tick=False):
        html = client.get(
            reverse("vendors:vendor_detail", kwargs={"vendor_slug": "vendor-a"})
        ).content.decode()
    red, licensing = _tables(html)
    assert "<caption>Red flags</caption>" in red
    assert "2026-Q2</th>\n" in red or "2026-Q2</th>" in red
    assert "not enough items" in red
    assert "<caption>Licensing questions</caption>" in licensing
    assert "<td>6</td>" in licensing
    assert "3.0 days" in licensing
    assert "67 %" in licensing


@pytest.mark.django_db
def test_vendor_dashboard_shows_each_kind_apart(
    client, spring_items, product_a, vendor_rep_a
):
    client.force_login(vendor_rep_a)
    with time_machine.travel("2026-06-20 09:00Z", tick=False):
        response = client.get(
            reverse("vendors:signals_dashboard", kwargs={"vendor_slug": "vendor-a"})
        )
    assert response.status_code == 200
    red, licensing = _tables(response.content.decode())
    assert "not enough items" in red
    assert "3.0 days" in licensing
    assert "<td>2</td>" not in red  # the suppressed count itself is not shown


def _tables(html: str) -> tuple[str, str]:
    red = html.split('data-responsiveness="red_flags"', 1)[1].split("</table>", 1)[0]
    licensing = html.split('data-responsiveness="licensing"', 1)[1].split(
        "</table>", 1
    )[0]
    return red, licensing

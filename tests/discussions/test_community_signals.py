"""Red-flag counts and vendor responsiveness on vendor pages, under the k-threshold."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from cop.privacy.models import RedFlag
from discussions import community_signals, services
from tests.discussions.conftest import *  # noqa: F403
from tests.discussions.signals_support import released_red_flags
from tests.vendors.priorities_support import *  # noqa: F403
from tests.vendors.priorities_support import libraries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


def test_red_flag_counts_hide_types_below_k(public_space, product_a, moderator):
    # given: five libraries raise one type, two another
    first, second = RedFlag.objects.order_by("code")[:2]
    released_red_flags(
        5,
        space=public_space,
        product=product_a,
        moderator=moderator,
        red_flag=first,
        prefix="a",
    )
    released_red_flags(
        2,
        space=public_space,
        product=product_a,
        moderator=moderator,
        red_flag=second,
        prefix="b",
    )
    # when
    rows = community_signals.red_flag_counts_for_product(product=product_a)
    # then
    assert [(row.code, row.count.value) for row in rows] == [(first.code, 5)]


def test_red_flag_counts_leave_out_embargoedreleased_red_flags(
    public_space, product_a, moderator
):
    red_flag = RedFlag.objects.order_by("code").first()
    for org, worker in libraries(5, "e"):
        services.topic_create(
            actor=worker,
            space=public_space,
            kind="red_flag",
            title=f"Flag from {org.name}",
            body="Body of the flag.",
            product=product_a,
            red_flag=red_flag,
            clause_reference="1",
        )
    assert community_signals.red_flag_counts_for_product(product=product_a) == []


def test_product_page_shows_red_flag_counts(client, public_space, product_a, moderator):
    red_flag = RedFlag.objects.order_by("code").first()
    released_red_flags(
        5,
        space=public_space,
        product=product_a,
        moderator=moderator,
        red_flag=red_flag,
        prefix="p",
    )
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": "vendor-a", "product_slug": product_a.slug},
    )
    html = client.get(url).content.decode()
    assert f"{red_flag.code} {red_flag.title}</th><td>5</td>" in html


def test_responsiveness_needs_k_items_per_quarter(
    client, public_space, product_a, moderator, vendor_rep_a
):
    red_flag = RedFlag.objects.order_by("code").first()
    # given: five flags in 2026-Q2, three answered after 2 days; two in 2026-Q3
    with time_machine.travel("2026-05-04 09:00Z", tick=False):
        spring = released_red_flags(
            5,
            space=public_space,
            product=product_a,
            moderator=moderator,
            red_flag=red_flag,
            prefix="q2",
        )
    with time_machine.travel("2026-05-06 09:00Z", tick=False):
        for topic in spring[:3]:
            services.red_flag_respond(
                actor=vendor_rep_a, topic=topic, body="We fix it."
            )
    with time_machine.travel("2026-08-04 09:00Z", tick=False):
        released_red_flags(
            2,
            space=public_space,
            product=product_a,
            moderator=moderator,
            red_flag=red_flag,
            prefix="q3",
        )
    # when
    rows = community_signals.responsiveness_for_vendor(
        vendor=product_a.organisation, quarters=["2026-Q2", "2026-Q3"]
    )
    # then
    spring_row, summer_row = rows
    assert spring_row.red_flags.items.value == 5
    assert spring_row.red_flags.median_days == 2.0
    assert spring_row.red_flags.within_window_percent == 60
    assert not spring_row.licensing.items.shown
    assert not summer_row.red_flags.items.shown
    assert summer_row.red_flags.median_days is None


def test_vendor_page_says_not_enough_items(client, product_a):
    html = client.get(
        reverse("vendors:vendor_detail", kwargs={"vendor_slug": "vendor-a"})
    ).content.decode()
    assert "Responsiveness" in html
    assert "not enough items" in html

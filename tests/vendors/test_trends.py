"""Disclosure trends: coverage and protective share per published version, as SVG and table."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import answer_for, ordinal_codes, publish
from vendors import selectors_trends as trends

pytestmark = pytest.mark.django_db


def test_chart_from_places_points_on_the_percent_scale():
    chart = trends.chart_from(
        [("v1", "2026-01-02", 0, None), ("v2", "2026-03-04", 100, 50)]
    )
    assert chart is not None
    first, second = chart.points
    assert first.coverage_y == trends.HEIGHT - trends.BOTTOM  # 0 % at the bottom
    assert second.coverage_y == trends.TOP  # 100 % at the top
    assert first.protective_y is None
    assert chart.protective_path == f"{second.x},{second.protective_y}"
    assert trends.chart_from([]) is None


def test_product_trend_follows_published_versions(
    client, product_a, vendor_rep_a, moderator
):
    # given: version 1 answers two criteria with the most protective option, version 2
    # answers a third with the least protective one
    codes = ordinal_codes(product_a, 3)
    best = [answer_for(code, pick=0) for code in codes[:2]]
    publish(product_a, vendor_rep_a, moderator, best)
    publish(product_a, vendor_rep_a, moderator, [*best, answer_for(codes[2], pick=99)])
    # when
    chart = trends.disclosure_trend(product=product_a)
    # then
    assert chart is not None
    assert [p.label for p in chart.points] == ["v1", "v2"]
    assert chart.points[0].protective == 100
    assert chart.points[1].protective == 67
    assert chart.points[1].coverage > chart.points[0].coverage


def test_product_page_draws_the_chart_with_text_alternative_and_table(
    client, product_a, vendor_rep_a, moderator
):
    publish(
        product_a, vendor_rep_a, moderator, [answer_for(ordinal_codes(product_a, 1)[0])]
    )
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": "vendor-a", "product_slug": product_a.slug},
    )
    html = client.get(url).content.decode()
    assert '<svg class="trend__chart"' in html
    assert 'role="img"' in html
    assert re.search(r"<desc [^>]*>v1 \([0-9-]+\): coverage [0-9]+ %", html)
    assert "Disclosure over time, as a table" in html
    assert (
        "<script"
        not in html.split('<section class="trend"', 1)[1].split("</section>", 1)[0]
    )


def test_product_page_without_versions_has_no_chart(client, product_a):
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": "vendor-a", "product_slug": product_a.slug},
    )
    assert "trend__chart" not in client.get(url).content.decode()


def test_type_trend_averages_the_version_in_force_per_quarter(
    client, product_a, vendor_rep_a, moderator
):
    publish(
        product_a, vendor_rep_a, moderator, [answer_for(ordinal_codes(product_a, 1)[0])]
    )
    charts = trends.type_trends()
    lms = charts["lms"]
    assert lms is not None
    assert lms.points[-1].protective == 100
    assert charts["k12"] is None
    html = client.get(reverse("priorities:community")).content.decode()
    assert 'id="trend-lms-svg-title"' in html

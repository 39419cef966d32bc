"""The comparison page: choosing products, limits, filters, best/worst marks."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import ordinal_codes, publish
from vendors.models import Product

pytestmark = pytest.mark.django_db

URL = "/vendors/compare/"


@pytest.fixture
def two_published(published_a, product_b, vendor_rep_b, moderator):
    """Stacks answers its first 3 ordinal criteria with rank 1, Finder with the last option."""
    publish(
        product_b,
        vendor_rep_b,
        moderator,
        [answer_for(c, 9) for c in ordinal_codes(published_a, 3)],
    )
    return published_a, product_b


def _row(html: str, code: str) -> str:
    match = re.search(
        rf'<tr>\s*<th scope="row"><a href="/criteria/{code}/">.*?</tr>', html, re.S
    )
    assert match, code
    return match.group(0)


def test_compare_without_products_shows_the_form(client, published_a):
    response = client.get(reverse("vendors:compare"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies
    assert '<form method="get"' in html
    assert 'value="vendor-a/stacks"' in html
    assert "<table" not in html


def test_compare_marks_best_and_worst_with_text_not_only_colour(client, two_published):
    response = client.get(URL, {"p": ["vendor-a/stacks", "vendor-b/finder"]})

    html = response.content.decode()
    code = ordinal_codes(two_published[0], 1)[0]
    row = _row(html, code)
    assert response.status_code == 200
    assert row.index('class="answer--best"') < row.index('class="answer--worst"')
    assert "Best</span>" in row
    assert "Worst</span>" in row
    assert (
        '<table class="data-table compare-table' in html
    )  # no scroll box: sticky header
    assert "<caption" in html
    assert 'scope="col"' in html


def test_compare_not_disclosed_is_never_best_or_worst(client, two_published):
    gap_code = ordinal_codes(two_published[0])[5]  # answered by neither

    html = client.get(
        URL, {"p": ["vendor-a/stacks", "vendor-b/finder"], "rows": "all"}
    ).content.decode()

    row = _row(html, gap_code)
    assert "answer--best" not in row
    assert "answer--worst" not in row
    assert 'class="answer--gap"' in row


def test_compare_one_answered_against_a_gap_is_not_marked(
    client, published_a, product_b
):
    code = ordinal_codes(published_a, 1)[0]

    html = client.get(
        URL, {"p": ["vendor-a/stacks", "vendor-b/finder"]}
    ).content.decode()

    row = _row(html, code)
    assert "answer--best" not in row
    assert "No published disclosure" in row


def test_compare_more_than_six_products_is_a_clear_message(client, vendor_a):
    for n in range(7):
        Product.objects.create(
            organisation=vendor_a, name=f"P{n}", slug=f"p{n}", product_type="lms"
        )

    response = client.get(URL, {"p": [f"vendor-a/p{n}" for n in range(7)]})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Compare at most 6 products; you chose 7." in html
    assert "<table" not in html


def test_compare_unknown_product_is_named_and_skipped(client, published_a):
    response = client.get(URL, {"p": ["vendor-a/stacks", "nobody/<script>"]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown product ignored: nobody/&lt;script&gt;." in html
    assert "<script>" not in html.split("</header>")[1].split("<footer")[0]
    assert "Stacks" in html


def test_compare_only_unknown_products_is_400_never_500(client, criteria):
    response = client.get(URL, {"p": ["x/y", "", "/", "a" * 500]})

    assert response.status_code == 400
    assert "Unknown product ignored" in response.content.decode()


def test_compare_filters_by_domain_and_module(client, two_published):
    response = client.get(
        URL,
        {
            "p": ["vendor-a/stacks", "vendor-b/finder"],
            "domain": "GOV",
            "module": "core",
        },
    )

    html = response.content.decode()
    assert "/criteria/VPD-GOV-01/" in html
    assert "/criteria/VPD-RET-" not in html
    assert 'value="GOV" selected' in html


def test_compare_bad_filter_is_ignored_with_a_message(client, two_published):
    response = client.get(
        URL, {"p": "vendor-a/stacks", "domain": "NOPE", "module": "<x>", "rows": "all"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Unknown domain ignored" in html
    assert "The value given for “module” was ignored." in html
    assert "/criteria/VPD-RET-" in html  # unfiltered


def test_compare_criterion_outside_a_product_type_is_not_asked(client, two_published):
    # Stacks is an LMS (module ILS), Finder a discovery service (module DSC).
    html = client.get(
        URL, {"p": ["vendor-a/stacks", "vendor-b/finder"], "module": "ILS"}
    ).content.decode()

    assert "Not asked for this product type" in html


def test_compare_six_products_query_count_is_constant(
    client, django_assert_num_queries, two_published, vendor_rep_a, moderator
):
    # given: two products
    keys = ["vendor-a/stacks", "vendor-b/finder"]
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"p": keys})
    baseline = len(ctx.captured_queries)
    # when: four more products of other types, each published, one vendor more
    types = ["content", "k12", "other", "discovery"]
    for n, product_type in enumerate(types):
        product = Product.objects.create(
            organisation=two_published[0].organisation,
            name=f"Q{n}",
            slug=f"q{n}",
            product_type=product_type,
        )
        publish(product, vendor_rep_a, moderator, [answer_for("VPD-GOV-01", n)])
        keys.append(f"vendor-a/q{n}")
    OrganisationFactory(kind="vendor", slug="v-extra", name="Extra vendor")
    publish(
        two_published[0],
        vendor_rep_a,
        moderator,
        [answer_for(c, 1) for c in ordinal_codes(two_published[0])],
    )
    # then
    with django_assert_num_queries(baseline):
        response = client.get(URL, {"p": keys})
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="col">') == 7


# ----------------------------------------------------------------- toggles


def test_compare_hides_criteria_nobody_answered_until_asked(client, two_published):
    params = {"p": ["vendor-a/stacks", "vendor-b/finder"]}
    answered = set(ordinal_codes(two_published[0], 3))

    html = client.get(URL, params).content.decode()
    shown = set(re.findall(r'<th scope="row"><a href="/criteria/([\w-]+)/">', html))
    every = client.get(URL, {**params, "rows": "all"}).content.decode()
    shown_all = set(
        re.findall(r'<th scope="row"><a href="/criteria/([\w-]+)/">', every)
    )

    assert shown == answered
    assert answered < shown_all
    assert "that no compared product answered are hidden" in html
    assert "rows=all" in html  # the link that shows them, no JS needed


def test_compare_differences_only_drops_rows_answered_alike(
    client, published_a, product_b, vendor_rep_b, moderator
):
    codes = ordinal_codes(published_a, 3)
    publish(
        product_b,
        vendor_rep_b,
        moderator,
        [answer_for(codes[0], 0), answer_for(codes[1], 0), answer_for(codes[2], 9)],
    )
    params = {"p": ["vendor-a/stacks", "vendor-b/finder"], "diff": "1"}

    html = client.get(URL, params).content.decode()

    shown = re.findall(r'<th scope="row"><a href="/criteria/([\w-]+)/">', html)
    assert shown == [codes[2]]
    assert "answered the same way by every product are hidden" in html


def test_compare_bad_toggle_values_give_a_message_and_the_defaults(
    client, two_published
):
    response = client.get(
        URL, {"p": ["vendor-a/stacks", "vendor-b/finder"], "rows": "x", "diff": "yes"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The value given for “rows” was ignored." in html
    assert "The value given for “diff” was ignored." in html
    assert 'id="rows-answered" checked' in html


def test_compare_cells_name_their_product_for_the_phone_cards(client, two_published):
    html = client.get(
        URL, {"p": ["vendor-a/stacks", "vendor-b/finder"]}
    ).content.decode()

    row = _row(html, ordinal_codes(two_published[0], 1)[0])
    assert '<span class="compare-cell__product">Stacks</span>' in row
    assert '<span class="compare-cell__product">Finder</span>' in row
    assert "How to read the table" in html  # the legend


def test_compare_exports_follow_the_page_rows(client, two_published):
    params = {"p": ["vendor-a/stacks", "vendor-b/finder"]}

    page = client.get(URL, params).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get("/vendors/compare.csv", params).content.decode())
        )
    )
    body = json.loads(client.get("/vendors/compare.json", params).content)

    shown = re.findall(r'<th scope="row"><a href="/criteria/([\w-]+)/">', page)
    assert [r[0] for r in rows[1:]] == shown
    assert [c["code"] for c in body["criteria"]] == shown
    assert body["hidden"]["unanswered"] > 0

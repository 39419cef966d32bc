"""The read-only public API (/api/v1/): endpoints, published data only, queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.privacy.models import Criterion
from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import draft, ordinal_codes, publish, roadmap_item
from vendors import services
from vendors.models import Disclosure, Product

pytestmark = pytest.mark.django_db

DRAFT_NOTE = "DRAFT-ONLY-NOTE-never-public"
P = {"vendor_slug": "vendor-a", "product_slug": "stacks"}


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert not response.cookies
    return json.loads(response.content)


def _all_api_urls() -> list[str]:
    return [
        reverse("api:root"),
        reverse("api:vendor_list"),
        reverse("api:vendor_detail", kwargs={"vendor_slug": "vendor-a"}),
        reverse("api:product_list"),
        reverse("api:product_detail", kwargs=P),
        reverse("api:version_list", kwargs=P),
        reverse("api:version_detail", kwargs={**P, "number": 1}),
        reverse("api:roadmap_list", kwargs=P),
        reverse("api:changelog", kwargs=P),
        reverse("api:changelog", kwargs=P) + "?from=1&to=1",
        reverse("api:criterion_list"),
        reverse("api:criterion_detail", kwargs={"code": "VPD-GOV-01"}),
    ]


def test_api_product_detail_has_published_answers_and_evidence(client, published_a):
    body = _get(client, reverse("api:product_detail", kwargs=P))

    assert body["key"] == "vendor-a/stacks"
    assert body["page_url"] == "/vendors/vendor-a/stacks/"
    disclosure = body["disclosure"]
    assert disclosure["version"] == 1
    assert disclosure["coverage"]["disclosed"] == 3
    answered = [a for a in disclosure["answers"] if a["status"] == "answered"]
    assert len(answered) == 3
    assert answered[0]["evidence"][0] == {
        "url": "https://vendor.example/privacy",
        "document_type": "privacy_policy",
        "section": "2",
        "excerpt": "We do not sell data.",
        "retrieved_on": "",
    }
    assert answered[0]["basis"] == "public_policy"
    gaps = [a for a in disclosure["answers"] if a["status"] == "not_disclosed"]
    assert gaps
    assert gaps[0]["value"] is None


@pytest.mark.parametrize("role", ["anonymous", "vendor_rep_a", "moderator"])
def test_api_draft_change_never_appears_in_any_response(
    client, people, published_a, vendor_rep_a, role
):
    # given: a published version, then a draft changing an answer and adding a note
    code = ordinal_codes(published_a, 1)[0]
    draft(published_a, vendor_rep_a, [answer_for(code, 2, note=DRAFT_NOTE)])
    if people[role] is not None:
        client.force_login(people[role])
    # when / then
    for url in _all_api_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert DRAFT_NOTE not in response.content.decode(), url
    body = _get(client, reverse("api:product_detail", kwargs=P))
    first = next(a for a in body["disclosure"]["answers"] if a["criterion"] == code)
    assert first["rank"] == 1  # the published value, not the draft's


def test_api_never_published_product_has_no_disclosure(client, product_a, vendor_rep_a):
    draft(
        product_a,
        vendor_rep_a,
        [answer_for(ordinal_codes(product_a)[0], note=DRAFT_NOTE)],
    )

    body = _get(client, reverse("api:product_detail", kwargs=P))
    versions = _get(client, reverse("api:version_list", kwargs=P))
    listing = _get(client, reverse("api:product_list"))

    assert body["disclosure"] is None
    assert body["coverage"] is None
    assert versions["results"] == []
    assert listing["results"][0]["published_version"] is None
    assert (
        client.get(reverse("api:version_detail", kwargs={**P, "number": 1})).status_code
        == 404
    )


def test_api_unpublished_disclosure_is_hidden(client, published_a, moderator):
    Disclosure.objects.get(product=published_a).unpublish(user=moderator)

    body = _get(client, reverse("api:product_detail", kwargs=P))

    assert body["disclosure"] is None


def test_api_changelog_between_versions_and_bad_numbers(
    client, published_a, vendor_rep_a, moderator
):
    codes = ordinal_codes(published_a, 3)
    publish(
        published_a,
        vendor_rep_a,
        moderator,
        [answer_for(codes[0], 1), answer_for(codes[1], 0), answer_for(codes[2], 0)],
    )

    body = _get(client, reverse("api:changelog", kwargs=P))
    bad = client.get(reverse("api:changelog", kwargs=P), {"from": "x; drop"})

    assert body["from_version"] == 1
    assert body["to_version"] == 2
    assert {"criterion": codes[0], "direction": "regressed"}.items() <= body["changes"][
        0
    ].items()
    assert bad.status_code == 400
    assert "from" in json.loads(bad.content)


def test_api_roadmap_lists_items_with_status_history(client, published_a, vendor_rep_a):
    criterion = Criterion.objects.get(code=ordinal_codes(published_a, 1)[0])
    item = roadmap_item(published_a, vendor_rep_a, criteria=[criterion])
    services.roadmap_item_change_status(item=item, actor=vendor_rep_a, status="shipped")

    body = _get(client, reverse("api:roadmap_list", kwargs=P))

    result = body["results"][0]
    assert result["status"] == "shipped"
    assert result["criteria"] == [criterion.code]
    assert [c["to_status"] for c in result["status_history"]] == ["planned", "shipped"]
    assert "changed_by" not in result["status_history"][0]  # no personal data


def test_api_criteria_list_filters_and_detail_has_ranked_options(client, criteria):
    listing = _get(client, reverse("api:criterion_list"), domain="RET", page_size=5)
    detail = _get(
        client, reverse("api:criterion_detail", kwargs={"code": "VPD-GOV-02"})
    )

    assert listing["count"] > 0
    assert len(listing["results"]) <= 5
    assert all(c["domain"] == "RET" for c in listing["results"])
    assert [o["rank"] for o in detail["options"]] == sorted(
        o["rank"] for o in detail["options"]
    )


def test_api_pagination_next_link_and_page_size_cap(client, vendor_a):
    for n in range(3):
        Product.objects.create(
            organisation=vendor_a, name=f"P{n}", slug=f"p{n}", product_type="lms"
        )

    first = _get(client, reverse("api:product_list"), page_size=2)
    capped = _get(client, reverse("api:product_list"), page_size=100000)

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert "page=2" in first["next"]
    assert len(capped["results"]) == 3
    assert client.get(reverse("api:product_list"), {"page": "99"}).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only(client, published_a, moderator, method):
    client.force_login(moderator)

    for url in (reverse("api:product_list"), reverse("api:product_detail", kwargs=P)):
        response = getattr(client, method)(
            url, data="{}", content_type="application/json"
        )
        assert response.status_code == 405


def test_api_unknown_slugs_are_404(client, criteria):
    assert (
        client.get(
            reverse(
                "api:product_detail", kwargs={"vendor_slug": "x", "product_slug": "y"}
            )
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("api:vendor_detail", kwargs={"vendor_slug": "x"})
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("api:criterion_detail", kwargs={"code": "NOPE"})).status_code
        == 404
    )


def test_api_schema_is_openapi_and_covers_only_the_api(client, criteria):
    response = client.get(reverse("api:schema"))

    schema = json.loads(response.content)
    assert response.status_code == 200
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert "/api/v1/products/{vendor_slug}/{product_slug}/" in paths
    assert "/api/v1/criteria/" in paths
    assert all(p.startswith("/api/v1/") for p in paths)
    for item in schema["paths"].values():
        assert set(item) <= {"get", "parameters"}


@pytest.mark.parametrize(
    "name", ["api:product_list", "api:vendor_list", "api:criterion_list"]
)
def test_api_list_query_count_is_constant(
    client, django_assert_num_queries, published_a, vendor_rep_a, moderator, name
):
    # given
    url = reverse(name)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    # when: more products, published versions and vendors
    for n in range(3):
        product = Product.objects.create(
            organisation=published_a.organisation,
            name=f"P{n}",
            slug=f"p{n}",
            product_type="content",
        )
        publish(product, vendor_rep_a, moderator, [answer_for("VPD-GOV-01", n)])
    # then
    with django_assert_num_queries(baseline):
        client.get(url)


def test_api_product_detail_query_count_is_constant(
    client, django_assert_num_queries, published_a, vendor_rep_a, moderator
):
    url = reverse("api:product_detail", kwargs=P)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    baseline = len(ctx.captured_queries)
    publish(
        published_a,
        vendor_rep_a,
        moderator,
        [answer_for(c, 1) for c in ordinal_codes(published_a)],
    )

    with django_assert_num_queries(baseline):
        client.get(url)

"""The priorities pages and API, as readers and library workers see them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.members.models import Organisation
from tests.vendors.priorities_support import *  # noqa: F403
from tests.vendors.priorities_support import criteria_of, libraries, vote
from vendors import services
from vendors.models import Priority, Product, RoadmapSupport


def _product_url(product, name="vendors:product_detail"):
    return reverse(
        name,
        kwargs={
            "vendor_slug": product.organisation.slug,
            "product_slug": product.slug,
        },
    )


def _api_url(product):
    return _product_url(product, "api:product_priorities")


@pytest.fixture
def voted(product_a):
    """Six libraries ask for criterion 0, two for criterion 1."""
    chosen = criteria_of(product_a, 2)
    pairs = libraries(6)
    for pair in pairs[:2]:
        vote(pair, chosen, product=product_a)
    for pair in pairs[2:]:
        vote(pair, chosen[:1], product=product_a)
    return chosen


def test_panel_shows_cells_at_k_and_hides_smaller_ones(client, product_a, voted):
    response = client.get(_product_url(product_a))
    html = response.content.decode()
    assert "What libraries ask for" in html
    assert f">{voted[0].code}</a> {voted[0].title}</th><td>6</td>" in html
    assert (
        voted[1].title
        not in html.split("What libraries ask for", 1)[1].split("</section>", 1)[0]
    )
    assert "fewer than 5" in html


def test_panel_names_no_library(client, product_a, voted):
    html = client.get(_product_url(product_a)).content.decode()
    assert "lib 0" not in html
    assert "libraries.example" not in html


def test_panel_query_count_does_not_grow_with_votes(
    client, product_a, django_assert_max_num_queries
):
    # given: a first count with a few votes
    chosen = criteria_of(product_a, 5)
    for pair in libraries(5, "a"):
        vote(pair, chosen, product=product_a)
    with CaptureQueriesContext(connection) as few:
        client.get(_product_url(product_a))
    # when: 10,000 more votes (2,000 libraries x 5 criteria), written in bulk
    worker = libraries(1, "c")[0][1]
    many = Organisation.objects.bulk_create(
        [
            Organisation(kind="library", name=f"bulk {n}", slug=f"bulk-{n}")
            for n in range(2000)
        ]
    )
    Priority.objects.bulk_create(
        [
            Priority(
                organisation=org,
                product=product_a,
                criterion=criterion,
                set_by=worker,
                quarter="2026-Q4",
            )
            for org in many
            for criterion in chosen
        ]
    )
    # then
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_product_url(product_a))
    assert ">2005</td>" in response.content.decode()


def test_priorities_page_for_library_worker_saves_and_withdraws(
    client, product_a, library, library_worker
):
    client.force_login(library_worker)
    url = _product_url(product_a, "vendors:product_priorities")
    chosen = criteria_of(product_a, 2)
    # when: save
    response = client.post(
        url, {"organisation": library.pk, "criteria": [c.pk for c in chosen]}
    )
    # then
    assert response.status_code == 302
    assert Priority.objects.filter(organisation=library).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "checked" in page
    # when: withdraw
    client.post(url, {"organisation": library.pk, "withdraw": "1"})
    assert not Priority.objects.exists()


def test_priorities_page_with_six_criteria_answers_400_and_saves_nothing(
    client, product_a, library, library_worker
):
    client.force_login(library_worker)
    url = _product_url(product_a, "vendors:product_priorities")
    response = client.post(
        url,
        {
            "organisation": library.pk,
            "criteria": [c.pk for c in criteria_of(product_a, 6)],
        },
    )
    assert response.status_code == 400
    assert "at most 5" in response.content.decode()
    assert not Priority.objects.exists()


def test_priorities_page_with_garbage_answers_400(
    client, product_a, library, library_worker
):
    client.force_login(library_worker)
    url = _product_url(product_a, "vendors:product_priorities")
    response = client.post(url, {"organisation": "x", "criteria": ["nope"]})
    assert response.status_code == 400
    response = client.get(url + "?library=abc")
    assert response.status_code == 200


def test_priorities_page_for_another_library_answers_404(
    client, product_a, library_worker
):
    (other,) = libraries(1, "other")
    client.force_login(library_worker)
    url = _product_url(product_a, "vendors:product_priorities")
    response = client.post(
        url,
        {"organisation": other[0].pk, "criteria": [criteria_of(product_a, 1)[0].pk]},
    )
    assert response.status_code == 400  # not one of the worker's choices
    assert not Priority.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("vendor_rep_a", 403),
        ("moderator", 403),
        ("library_worker", 200),
    ],
)
def test_priorities_page_by_role(client, people, product_a, who, status):
    if people[who] is not None:
        client.force_login(people[who])
    response = client.get(_product_url(product_a, "vendors:product_priorities"))
    assert response.status_code == status


def test_roadmap_support_through_the_page(
    client, product_a, vendor_rep_a, library, library_worker
):
    item = services.roadmap_item_create(
        product=product_a, actor=vendor_rep_a, title="Purge"
    )
    client.force_login(library_worker)
    url = _product_url(product_a, "vendors:product_priorities")
    client.post(url, {"organisation": library.pk, "roadmap": [item.pk]})
    assert RoadmapSupport.objects.filter(item=item, organisation=library).exists()


def test_type_priorities_page_saves_type_votes(
    client, criteria, library, library_worker
):
    client.force_login(library_worker)
    url = reverse("priorities:type_edit", kwargs={"product_type": "discovery"})
    chosen = services.criteria_for_scope(product_type="discovery")[:2]
    response = client.post(
        url, {"organisation": library.pk, "criteria": [c.pk for c in chosen]}
    )
    assert response.status_code == 302
    assert Priority.objects.filter(product_type="discovery").count() == 2
    assert (
        client.get(
            reverse("priorities:type_edit", kwargs={"product_type": "x"})
        ).status_code
        == 404
    )


def test_community_page_lists_shown_type_cells(client, product_a, voted):
    # given: a second lms product with 2 libraries on criterion 0 (a hidden cell)
    other = Product.objects.create(
        organisation=product_a.organisation,
        name="Shelf",
        slug="shelf",
        product_type="lms",
    )
    for pair in libraries(2, "extra"):
        vote(pair, voted[:1], product=other)
    # when
    response = client.get(reverse("priorities:community"))
    # then: 6 + 2 = 8 libraries; the 2 beyond the shown cell fit in two hidden cells
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{voted[0].title}</th><td>8</td>" in html
    assert voted[1].title not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("library_worker", 404),
        ("vendor_rep_b", 404),
        ("vendor_rep_a", 200),
        ("moderator", 200),
    ],
)
def test_vendor_dashboard_by_role(client, people, product_a, voted, who, status):
    if people[who] is not None:
        client.force_login(people[who])
    url = reverse("vendors:signals_dashboard", kwargs={"vendor_slug": "vendor-a"})
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert voted[0].title in html
        assert voted[1].title not in html


def test_api_product_priorities_match_the_panel(client, product_a, voted):
    body = client.get(_api_url(product_a)).json()
    assert body["k"] == 5
    assert body["criteria"] == [
        {"code": voted[0].code, "title": voted[0].title, "libraries": 6}
    ]


def test_api_refuses_any_filter(client, product_a, voted):
    response = client.get(_api_url(product_a) + "?criterion=" + voted[1].code)
    assert response.status_code == 400
    response = client.get(reverse("api:priority_types") + "?product=stacks")
    assert response.status_code == 400


def test_api_type_priorities_match_the_page(client, product_a, voted):
    body = client.get(reverse("api:priority_types")).json()
    lms = next(t for t in body["types"] if t["product_type"] == "lms")
    # one product and the type-wide cell: showing the type's 6 next to the product's
    # 6 would tell that nobody asked it of the whole type, so it stays hidden
    assert lms["criteria"] == []
    assert lms["products"] == 1

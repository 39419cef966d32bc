"""The cached community page and product page are renewed when a library votes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.vendors.priorities_support import *  # noqa: F403
from tests.vendors.priorities_support import criteria_of, libraries, vote
from vendors.models import Product


@pytest.fixture
def page_cache(settings):
    settings.COP_VENDORS_PAGE_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_product_page_cache_is_renewed_by_a_vote(
    client, product_a, page_cache, django_capture_on_commit_callbacks
):
    # given: four libraries voted and an anonymous reader cached the page
    chosen = criteria_of(product_a, 1)
    pairs = libraries(5)
    with django_capture_on_commit_callbacks(execute=True):
        for pair in pairs[:4]:
            vote(pair, chosen, product=product_a)
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": "vendor-a", "product_slug": product_a.slug},
    )
    assert "</th><td>4</td>" not in client.get(url).content.decode()
    # when: the fifth library votes
    with django_capture_on_commit_callbacks(execute=True):
        vote(pairs[4], chosen, product=product_a)
    # then: the next anonymous reader sees the cell
    assert f"{chosen[0].title}</th><td>5</td>" in client.get(url).content.decode()


def test_community_page_cache_is_renewed_by_a_vote(
    client, product_a, page_cache, django_capture_on_commit_callbacks
):
    # given: an anonymous reader cached the page before anyone voted
    url = reverse("priorities:community")
    assert "</td><td>7</td>" not in client.get(url).content.decode()
    other = Product.objects.create(
        organisation=product_a.organisation,
        name="Shelf",
        slug="shelf",
        product_type="lms",
    )
    chosen = criteria_of(product_a, 1)
    # when: five libraries ask it of one product, two of another of the same type
    with django_capture_on_commit_callbacks(execute=True):
        for pair in libraries(5, "a"):
            vote(pair, chosen, product=product_a)
        for pair in libraries(2, "b"):
            vote(pair, chosen, product=other)
    # then: 7 libraries; the 2 beyond the shown cell fit in two hidden cells
    assert f"{chosen[0].title}</th><td>7</td>" in client.get(url).content.decode()

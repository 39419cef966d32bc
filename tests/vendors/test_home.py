"""The home page's "Latest disclosure changes", and its cache following publishes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import ordinal_codes, publish
from vendors.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_shared_pages_between_tests() -> Iterator[None]:
    """Start and end with an empty cache: a whole page shared by another test
    (cop.core.early_pages) would otherwise answer this test's requests, or the
    next test's."""
    cache.clear()
    yield
    cache.clear()


def _section(html: str) -> str:
    return html.split("Latest disclosure changes")[1].split("</section>")[0]


def test_home_page_counts_what_each_publish_improved_and_regressed(
    client: Any, product_a: Product, vendor_rep_a: Any, moderator: Any
) -> None:
    # given: two versions, the second better on one answer and worse on another
    codes = ordinal_codes(product_a, 3)
    publish(product_a, vendor_rep_a, moderator, [answer_for(c, 1) for c in codes])
    publish(
        product_a,
        vendor_rep_a,
        moderator,
        [answer_for(codes[0], 0), answer_for(codes[1], 1), answer_for(codes[2], 2)],
    )
    # when
    section = _section(client.get("/").content.decode())
    # then
    org = product_a.organisation
    url = f"/vendors/{org.slug}/{product_a.slug}/changes/"
    assert f'<a href="{url}">{org.name} {product_a.name}, version 2</a>' in section
    assert "1 improved · 1 regressed" in section
    assert 'version 1</a> <span class="muted">first published disclosure' in section


def test_home_page_disclosure_changes_cost_the_same_whatever_their_number(
    client: Any,
    product_a: Product,
    product_b: Product,
    vendor_rep_a: Any,
    vendor_rep_b: Any,
    moderator: Any,
) -> None:
    codes = ordinal_codes(product_a, 2)
    publish(product_a, vendor_rep_a, moderator, [answer_for(c, 0) for c in codes])
    publish(product_a, vendor_rep_a, moderator, [answer_for(c, 1) for c in codes])
    client.get("/")  # warm Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    publish(product_a, vendor_rep_a, moderator, [answer_for(c, 0) for c in codes])
    codes_b = ordinal_codes(product_b, 2)
    publish(product_b, vendor_rep_b, moderator, [answer_for(c, 0) for c in codes_b])
    publish(product_b, vendor_rep_b, moderator, [answer_for(c, 1) for c in codes_b])
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert _section(html).count("<li>") == 5
    assert len(many) == len(few)


def test_cached_home_page_is_refreshed_when_a_disclosure_is_published(
    client: Any,
    settings: Any,
    product_a: Product,
    vendor_rep_a: Any,
    moderator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.COP_GUIDES_PAGE_CACHE = True
    cache.clear()
    assert client.get("/")["X-Cop-Page-Cache"] == "miss"
    assert client.get("/")["X-Cop-Page-Cache"] == "hit"
    codes = ordinal_codes(product_a, 2)
    with django_capture_on_commit_callbacks(execute=True):
        publish(product_a, vendor_rep_a, moderator, [answer_for(c, 0) for c in codes])
    response = client.get("/")
    assert response["X-Cop-Page-Cache"] == "miss"
    assert "Latest disclosure changes" in response.content.decode()

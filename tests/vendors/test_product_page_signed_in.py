"""The signed-in product page: its cached parts, one cache round trip, few queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache as django_cache

from cop.members.models import Organisation
from tests.factories import TopicFactory
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import product_url
from vendors.models import Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_caches(settings: Any) -> Any:
    """The vendors' and the discussions' caches on, empty before and after."""
    settings.COP_VENDORS_PAGE_CACHE = True
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    django_cache.clear()
    yield
    django_cache.clear()


def _html(client: Any, product: Product) -> str:
    response = client.get(product_url(product))
    assert response.status_code == 200
    return str(response.content.decode())


def test_warm_signed_in_product_page_runs_two_queries_and_one_cache_read(
    client: Any,
    page_caches: Any,
    published_a: Product,
    library_worker: Any,
    django_assert_num_queries: Any,
    monkeypatch: Any,
) -> None:
    # given: related topics, and the page rendered once (its parts are cached)
    TopicFactory(product=published_a, title="Stacks and loan history")
    client.force_login(library_worker)
    _html(client, published_a)
    reads: list[Any] = []
    get_many = django_cache.get_many
    monkeypatch.setattr(
        django_cache, "get_many", lambda *a, **k: reads.append(a) or get_many(*a, **k)
    )
    # when / then: the session with the member, and their follow level (the product
    # is kept by the process under the catalogue's version)
    with django_assert_num_queries(2):
        html = _html(client, published_a)
    assert len(reads) == 1
    assert "Stacks and loan history" in html
    assert "Privacy disclosure" in html


def test_signed_in_page_renders_while_the_cache_is_down(
    client: Any,
    page_caches: Any,
    published_a: Product,
    library_worker: Any,
    monkeypatch: Any,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    TopicFactory(product=published_a, title="Stacks and loan history")
    client.force_login(library_worker)
    monkeypatch.setattr(django_cache, "get_many", broken)
    html = _html(client, published_a)
    assert "Privacy disclosure" in html
    assert "Stacks and loan history" in html


def test_a_renamed_product_or_vendor_shows_at_once(
    client: Any,
    page_caches: Any,
    published_a: Product,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    assert "<h1>Stacks</h1>" in _html(client, published_a)
    with django_capture_on_commit_callbacks(execute=True):
        published_a.name = "Stacks Cloud"
        published_a.description = "Now hosted."
        published_a.save(update_fields=["name", "description"])
    html = _html(client, published_a)
    assert "<h1>Stacks Cloud</h1>" in html
    assert "Now hosted." in html
    vendor: Organisation = published_a.organisation
    with django_capture_on_commit_callbacks(execute=True):
        vendor.name = "Vendor A Renamed"
        vendor.save(update_fields=["name"])
    assert "Vendor A Renamed</a></p>" in _html(client, published_a)


def test_a_new_slug_or_a_deleted_product_applies_at_once(
    client: Any,
    page_caches: Any,
    published_a: Product,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    old_url = product_url(published_a)
    assert client.get(old_url).status_code == 200
    assert client.get(old_url).status_code == 200  # from the kept product
    with django_capture_on_commit_callbacks(execute=True):
        published_a.slug = "stacks-cloud"
        published_a.save(update_fields=["slug"])
    assert client.get(old_url).status_code == 404
    assert "<h1>Stacks</h1>" in _html(client, published_a)
    shelf = Product.objects.create(
        organisation=published_a.organisation,
        name="Shelf",
        slug="shelf",
        product_type="other",
    )
    url = product_url(shelf)
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # from the kept product
    with django_capture_on_commit_callbacks(execute=True):
        shelf.delete()
    assert client.get(url).status_code == 404


def test_each_request_gets_its_own_product(
    client: Any, page_caches: Any, published_a: Product, library_worker: Any
) -> None:
    client.force_login(library_worker)
    first = client.get(product_url(published_a)).context["product"]
    second = client.get(product_url(published_a)).context["product"]
    assert first == second
    assert first is not second

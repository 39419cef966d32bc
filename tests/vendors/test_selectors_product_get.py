"""``product_get``: the compiled product lookup answers as its queryset does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Product
from vendors.selectors_public.pages import _PRODUCT_BY_SLUGS, product_get

pytestmark = pytest.mark.django_db


def _fields(product: Product | None) -> Any:
    if product is None:
        return None

    def plain(obj: Any) -> dict[str, Any]:
        return {k: v for k, v in obj.__dict__.items() if k != "_state"}

    return (plain(product), plain(product.organisation))


@pytest.mark.parametrize(
    ("vendor_slug", "product_slug"),
    [
        ("vendor-a", "stacks"),
        ("cop-community", "cop-platform"),
        ("riverside-library", "shelf"),  # a library's product is never listed
        ("vendor-a", "finder"),  # another vendor's product
        ("vendor-a", "missing"),
        ("vendor-a", "stacks'; --"),
    ],
)
def test_product_get_equals_the_queryset(
    product_a: Any,
    product_b: Any,
    community_product: Any,
    vendor_slug: str,
    product_slug: str,
) -> None:
    library = OrganisationFactory(slug="riverside-library")
    Product.objects.create(
        organisation=library, name="Shelf", slug="shelf", product_type="other"
    )
    product_a.organisation.slug = "vendor-a"
    product_a.organisation.save(update_fields=["slug"])
    expected = _PRODUCT_BY_SLUGS.queryset(
        vendor_slug=vendor_slug, product_slug=product_slug
    ).first()
    found = product_get(vendor_slug=vendor_slug, product_slug=product_slug)
    assert _fields(found) == _fields(expected)
    assert (found is None) == (
        (vendor_slug, product_slug)
        not in {("vendor-a", "stacks"), ("cop-community", "cop-platform")}
    )


def test_product_get_is_one_query(product_a: Any) -> None:
    slug = product_a.organisation.slug
    product_get(vendor_slug=slug, product_slug="stacks")
    with CaptureQueriesContext(connection) as queries:
        product = product_get(vendor_slug=slug, product_slug="stacks")
        assert product is not None
        assert product.organisation.slug == slug
    assert len(queries.captured_queries) == 1

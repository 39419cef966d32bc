"""Demo product slugs match their names, and a renamed one keeps its old address."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils.text import slugify

from cop.core.seeding import SCALE_DEMO
from cop.members.seeding import seed_members
from vendors.models import Product
from vendors.seeding import seed_vendors

pytestmark = pytest.mark.django_db

OLD = "/vendors/brightwell-discovery/brightwell-opac/"


def _seed() -> None:
    out = io.StringIO()
    seed_members(scale=SCALE_DEMO, stdout=out)
    seed_vendors(scale=SCALE_DEMO, stdout=out)


def test_demo_product_slugs_are_made_of_their_names_words():
    _seed()
    for name, slug in Product.objects.values_list("name", "slug"):
        words = set(slugify(name).split("-")) | {"cop"}
        assert set(slug.split("-")) <= words, (name, slug)


def test_brightwell_catalogue_lives_at_its_own_slug_and_the_old_one_redirects(client):
    # given
    _seed()
    product = Product.objects.get(name="Brightwell Catalogue")
    new = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": "brightwell-discovery", "product_slug": product.slug},
    )

    # when
    response = client.get(OLD)

    # then
    assert product.slug == "brightwell-catalogue"
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_a_database_seeded_with_the_old_slug_is_renamed_not_duplicated():
    # given: the product as an earlier seed made it
    _seed()
    Product.objects.filter(slug="brightwell-catalogue").update(slug="brightwell-opac")

    # when
    _seed()

    # then
    assert list(
        Product.objects.filter(name="Brightwell Catalogue").values_list(
            "slug", flat=True
        )
    ) == ["brightwell-catalogue"]

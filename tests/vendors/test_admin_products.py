"""Moderators onboard a vendor and its products from the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cop.core.models import AuditEvent
from cop.members.models import Organisation
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Product

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_vendors_product:add"
EDIT = "wagtailsnippets_vendors_product:edit"


def _product_data(org: Organisation, **changes: str) -> dict[str, str]:
    return {
        "organisation": str(org.pk),
        "name": "Shelf Cloud",
        "slug": "shelf-cloud",
        "product_type": "lms",
        "website": "https://shelf.example/",
        "description": "",
        **changes,
    }


def test_moderator_onboards_a_new_vendor_and_its_product_from_the_admin(
    client, moderator, criteria
):
    client.force_login(moderator)

    vendor = client.post(
        reverse("organisations:add"),
        {
            "kind": "vendor",
            "name": "Shelf Systems",
            "slug": "shelf-systems",
            "website": "https://shelf.example/",
            "description": "",
            "email_domains": "shelf.example",
        },
    )
    org = Organisation.objects.get(slug="shelf-systems")
    created = client.post(reverse(ADD), _product_data(org))
    product = Product.objects.get(slug="shelf-cloud")
    edited = client.post(
        reverse(EDIT, args=[product.pk]), _product_data(org, name="Shelf Cloud 2")
    )

    assert vendor.status_code == 302
    assert created.status_code == 302
    assert edited.status_code == 302
    product.refresh_from_db()
    assert product.name == "Shelf Cloud 2"
    assert product.organisation == org
    assert AuditEvent.objects.filter(action="vendors.product.create").count() == 1
    update = AuditEvent.objects.get(action="vendors.product.update")
    assert update.extra["fields"] == ["name"]
    public = client.get("/vendors/shelf-systems/shelf-cloud/")
    assert public.status_code == 200
    assert "Shelf Cloud 2" in public.content.decode()


def test_a_taken_slug_is_a_form_error_that_keeps_the_input(
    client, moderator, product_a
):
    client.force_login(moderator)

    response = client.post(
        reverse(ADD),
        _product_data(product_a.organisation, name="Another Stacks", slug="stacks"),
    )

    assert response.status_code == 200
    assert "Another Stacks" in response.content.decode()
    assert Product.objects.filter(slug="stacks").count() == 1


def test_representatives_cannot_create_or_edit_products(
    client, vendor_rep_a, product_a
):
    client.force_login(vendor_rep_a)

    add = client.post(reverse(ADD), _product_data(product_a.organisation))
    edit = client.post(
        reverse(EDIT, args=[product_a.pk]),
        _product_data(product_a.organisation, name="Renamed", slug="stacks"),
    )

    assert add.status_code in (302, 403)
    assert edit.status_code in (302, 403)
    assert not Product.objects.filter(slug="shelf-cloud").exists()
    product_a.refresh_from_db()
    assert product_a.name == "Stacks"

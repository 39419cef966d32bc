"""The draft previewed as the public product page, from the disclosure editor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services
from vendors.models import Product

pytestmark = pytest.mark.django_db


def preview_url(product: Product) -> str:
    return reverse("vendors:disclosure_preview", kwargs={"product_id": product.pk})


def public_url(product: Product) -> str:
    return reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": product.organisation.slug, "product_slug": product.slug},
    )


def test_preview_shows_the_draft_as_the_product_page_without_publishing(
    client, vendor_rep_a, moderator, product_a
):
    # given: version 1 published with GOV-03 "yes", then a draft changing it to "no"
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[answer_for("VPD-GOV-03", pick=0)],
    )
    services.disclosure_publish(disclosure=disclosure, actor=moderator)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[answer_for("VPD-GOV-03", pick=1), answer_for("VPD-GOV-01")],
    )
    client.force_login(vendor_rep_a)
    # when
    response = client.get(preview_url(product_a))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview of your draft: not public." in html
    assert "Version 2, published" in html
    assert "It makes 2 changes to the published version." in html
    assert response["X-Robots-Tag"] == "noindex"
    public = client.get(public_url(product_a)).content.decode()
    assert "Version 1, published" in public
    assert "Version 2" not in public


def test_preview_is_linked_from_the_editor_and_closed_to_others(
    client, vendor_rep_a, vendor_rep_b, library_worker, product_a
):
    client.force_login(vendor_rep_a)
    editor = client.get(
        reverse("vendors:disclosure_edit", kwargs={"product_id": product_a.pk})
    )
    assert f'href="{preview_url(product_a)}"' in editor.content.decode()
    assert client.get(preview_url(product_a)).status_code == 200  # nothing drafted yet
    for other in (vendor_rep_b, library_worker):
        client.force_login(other)
        assert client.get(preview_url(product_a)).status_code == 404

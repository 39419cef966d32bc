"""Submitting a drafted disclosure and the moderator's review screen (HTTP level)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import selectors, services
from vendors.models import Disclosure, Product

pytestmark = pytest.mark.django_db


def _drafted(product: Product, rep: Any, *answers: dict[str, Any]) -> Disclosure:
    disclosure = services.disclosure_create(product=product, actor=rep)
    services.disclosure_save_draft(disclosure=disclosure, actor=rep, answers=answers)
    return Disclosure.objects.get(pk=disclosure.pk)


def _submit_url(product: Product) -> str:
    return reverse("vendors:disclosure_submit", kwargs={"product_id": product.pk})


def _review_url(disclosure: Disclosure) -> str:
    return reverse("vendors:disclosure_review", kwargs={"disclosure_id": disclosure.pk})


def test_submit_page_shows_the_changes_in_words_then_submits(
    client, product_a, vendor_rep_a
):
    disclosure = _drafted(product_a, vendor_rep_a, answer_for("VPD-GOV-01", pick=1))
    client.force_login(vendor_rep_a)

    page = client.get(_submit_url(product_a)).content.decode()
    response = client.post(_submit_url(product_a))

    assert "Newly disclosed" in page
    assert "Now disclosed: “Corporate notice only”." in page
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.workflow_in_progress
    editor = client.get(
        reverse("vendors:disclosure_edit", kwargs={"product_id": product_a.pk})
    ).content.decode()
    assert "is with a moderator for review" in editor
    assert 'class="editor-fieldset" disabled' in editor


def test_review_reject_with_comment_reaches_the_rep_who_resubmits_and_it_is_approved(
    client, product_a, vendor_rep_a, moderator
):
    disclosure = _drafted(product_a, vendor_rep_a, answer_for("VPD-GOV-01", pick=1))
    services.disclosure_submit(disclosure=disclosure, actor=vendor_rep_a)
    client.force_login(moderator)

    workspace = client.get(reverse("vendors:workspace")).content.decode()
    review = client.get(_review_url(disclosure)).content.decode()
    no_comment = client.post(_review_url(disclosure), {"decision": "reject"})
    rejected = client.post(
        _review_url(disclosure), {"decision": "reject", "comment": "Cite the DPA."}
    )

    assert _review_url(disclosure) in workspace
    assert "Now disclosed: “Corporate notice only”." in review
    assert "Say what needs to change." in no_comment.content.decode()
    assert rejected.status_code == 302
    client.force_login(vendor_rep_a)
    editor_url = reverse("vendors:disclosure_edit", kwargs={"product_id": product_a.pk})
    assert "Cite the DPA." in client.get(editor_url).content.decode()
    # the representative edits again and resubmits; the same review resumes
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[answer_for("VPD-GOV-01", pick=0)],
    )
    assert client.post(_submit_url(product_a)).status_code == 302
    client.force_login(moderator)
    approved = client.post(_review_url(disclosure), {"decision": "approve"})
    assert approved.status_code == 302
    version = selectors.disclosure_version_latest(product=product_a)
    assert version is not None
    assert version.answers["VPD-GOV-01"]["value"] == "product_specific"


@pytest.mark.parametrize("who", ["vendor_rep_a", "vendor_rep_b", "library_worker"])
def test_review_screen_is_404_for_everyone_but_moderators(
    client, product_a, vendor_rep_a, who, request
):
    disclosure = _drafted(product_a, vendor_rep_a, answer_for("VPD-GOV-01"))
    services.disclosure_submit(disclosure=disclosure, actor=vendor_rep_a)
    client.force_login(request.getfixturevalue(who))

    assert client.get(_review_url(disclosure)).status_code == 404
    assert (
        client.post(_review_url(disclosure), {"decision": "approve"}).status_code == 404
    )
    disclosure.refresh_from_db()
    assert disclosure.workflow_in_progress


def test_admin_dashboard_links_to_the_review_screen_and_labels_read_once(
    client, product_a, vendor_rep_a, moderator
):
    disclosure = _drafted(product_a, vendor_rep_a, answer_for("VPD-GOV-01"))
    services.disclosure_submit(disclosure=disclosure, actor=vendor_rep_a)
    client.force_login(moderator)

    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    edit = client.get(
        reverse("wagtailsnippets_vendors_disclosure:edit", args=[disclosure.pk])
    ).content.decode()

    assert "Work waiting" in dashboard
    assert "Disclosures awaiting review" in dashboard
    assert _review_url(disclosure) in dashboard
    assert "Approve and Publish" in edit
    assert "Approve with comment and Publish" in edit
    assert "and publish and Publish" not in edit

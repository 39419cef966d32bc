"""PDF evidence uploaded in the disclosure editor, and shown on the public page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import ReferenceIndex

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors import services
from vendors.models import Disclosure, Product
from vendors.selectors_editor import disclosure_draft
from vendors.services.evidence import EVIDENCE_COLLECTION

pytestmark = pytest.mark.django_db

AS_OF = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def edit_url(product: Product) -> str:
    return reverse("vendors:disclosure_edit", kwargs={"product_id": product.pk})


def answer_with_file(upload: Any, **more: Any) -> dict[str, Any]:
    return {
        "VPD-GOV-03-value": "yes",
        "VPD-GOV-03-configurability": "fixed_by_vendor",
        "VPD-GOV-03-basis": "contract_clause",
        "VPD-GOV-03-as_of": AS_OF,
        "VPD-GOV-03-evidence_type": "contract",
        "VPD-GOV-03-evidence_file": upload,
        "save": "1",
        **more,
    }


def first_evidence(product: Product) -> Any:
    draft = disclosure_draft(disclosure=Disclosure.objects.get(product=product))
    assert draft is not None
    answer = next(a for a in draft.answers.all() if a.criterion.code == "VPD-GOV-03")
    return answer.evidence.all()[0]


@pytest.fixture
def rep_client(client, vendor_rep_a):
    client.force_login(vendor_rep_a)
    return client


def test_a_pdf_attached_in_the_editor_becomes_the_answers_evidence(
    rep_client, product_a
):
    # when
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    response = rep_client.post(edit_url(product_a), answer_with_file(upload))
    # then
    assert response.status_code == 302
    item = first_evidence(product_a)
    document = item.document
    assert document.filename.startswith("dpa")
    assert document.collection.name == EVIDENCE_COLLECTION
    assert item.url == ""
    html = rep_client.get(edit_url(product_a)).content.decode()
    assert f'href="{document.url}"' in html
    assert 'name="VPD-GOV-03-evidence_file_clear"' in html


def test_saving_again_without_a_file_keeps_the_document(rep_client, product_a):
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    rep_client.post(edit_url(product_a), answer_with_file(upload))
    document_id = first_evidence(product_a).document_id

    rep_client.post(edit_url(product_a), answer_with_file(""))

    assert first_evidence(product_a).document_id == document_id


def test_removing_the_document_needs_a_link_instead(rep_client, product_a):
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    rep_client.post(edit_url(product_a), answer_with_file(upload))

    rep_client.post(
        edit_url(product_a),
        answer_with_file(
            "",
            **{
                "VPD-GOV-03-evidence_file_clear": "on",
                "VPD-GOV-03-evidence_url": "https://vendor.example/dpa",
            },
        ),
    )

    item = first_evidence(product_a)
    assert (item.document_id, item.url) == (None, "https://vendor.example/dpa")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>", "not a real PDF"),
        ("notes.txt", PDF, "Attach a PDF file"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(
    rep_client, product_a, name, content, message
):
    upload = SimpleUploadedFile(name, content, "application/pdf")

    response = rep_client.post(edit_url(product_a), answer_with_file(upload))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "choose them again" in html
    assert not Disclosure.objects.filter(product=product_a).exists()
    assert not get_document_model().objects.exists()


def test_a_pdf_over_the_size_limit_is_refused(rep_client, product_a, settings):
    settings.COP_DOCUMENT_MAX_BYTES = 1024 * 1024
    upload = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (1024 * 1024), "application/pdf"
    )

    response = rep_client.post(edit_url(product_a), answer_with_file(upload))

    assert "is larger than 1 MB" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_the_published_pdf_is_linked_on_the_public_page(
    rep_client, product_a, moderator
):
    # given: a draft with a PDF, published by a moderator
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    rep_client.post(edit_url(product_a), answer_with_file(upload))
    disclosure = Disclosure.objects.get(product=product_a)
    services.disclosure_publish(disclosure=disclosure, actor=moderator)
    document = first_evidence(product_a).document
    # when
    page = rep_client.get(
        reverse(
            "vendors:product_detail",
            kwargs={
                "vendor_slug": product_a.organisation.slug,
                "product_slug": "stacks",
            },
        )
    )
    # then
    assert f'href="{document.url}"' in page.content.decode()
    served = rep_client.get(document.url)
    assert served.status_code == 200


def test_the_document_is_recorded_as_used_by_the_disclosure(rep_client, product_a):
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    rep_client.post(edit_url(product_a), answer_with_file(upload))

    document = first_evidence(product_a).document

    usage = ReferenceIndex.get_references_to(document)
    assert usage.filter(object_id=str(Disclosure.objects.get().pk)).exists()


def test_a_drafts_pdf_is_private_until_a_published_version_cites_it(
    client, rep_client, product_a, vendor_rep_b, library_worker, moderator
):
    # given: a PDF attached to a draft that is not published
    upload = SimpleUploadedFile("dpa.pdf", PDF, "application/pdf")
    rep_client.post(edit_url(product_a), answer_with_file(upload))
    document = first_evidence(product_a).document
    # then: only its editors and moderators may fetch it; a guess of the URL is a 404
    assert rep_client.get(document.url).status_code == 200
    for outsider in (None, vendor_rep_b, library_worker):
        client.logout()
        if outsider is not None:
            client.force_login(outsider)
        assert client.get(document.url).status_code == 404
    client.force_login(moderator)
    assert client.get(document.url).status_code == 200
    # when: a moderator publishes the draft
    services.disclosure_publish(
        disclosure=Disclosure.objects.get(product=product_a), actor=moderator
    )
    # then: everyone may read it, signed in or not
    client.logout()
    assert client.get(document.url).status_code == 200

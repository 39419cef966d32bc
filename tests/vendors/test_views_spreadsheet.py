"""Disclosure spreadsheets over HTTP: the editor's buttons, downloads, import, access."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Disclosure
from vendors.spreadsheets.columns import COLUMN_KEYS
from vendors.spreadsheets.files import XLSX_TYPE

pytestmark = pytest.mark.django_db


def download_url(product, fmt="xlsx"):
    return reverse(
        "vendors:disclosure_download", kwargs={"product_id": product.pk, "fmt": fmt}
    )


def upload_url(product):
    return reverse("vendors:disclosure_upload", kwargs={"product_id": product.pk})


def test_editor_offers_downloads_and_an_import_form(client, vendor_rep_a, product_a):
    client.force_login(vendor_rep_a)

    html = client.get(
        reverse("vendors:disclosure_edit", kwargs={"product_id": product_a.pk})
    ).content.decode()

    assert f'href="{download_url(product_a)}"' in html
    assert f'href="{download_url(product_a, "csv")}"' in html
    assert f'action="{upload_url(product_a)}"' in html
    assert 'enctype="multipart/form-data"' in html


def test_download_is_an_attachment_for_the_products_editor_only(
    client, vendor_rep_a, vendor_rep_b, product_a
):
    client.force_login(vendor_rep_a)
    response = client.get(download_url(product_a))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(download_url(product_a, "pdf")).status_code == 404

    client.force_login(vendor_rep_b)
    assert client.get(download_url(product_a)).status_code == 404


def test_templates_for_representatives_and_moderators_only(
    client, library_worker, moderator, criteria
):
    url = reverse(
        "vendors:template_download", kwargs={"product_type": "k12", "fmt": "csv"}
    )
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(library_worker)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"VPD-K12-01" in response.content
    bad = reverse(
        "vendors:template_download", kwargs={"product_type": "toaster", "fmt": "csv"}
    )
    assert client.get(bad).status_code == 404


def test_import_of_a_filled_file_saves_the_draft(client, vendor_rep_a, product_a):
    # given: the downloaded CSV with one answer filled in
    client.force_login(vendor_rep_a)
    content = client.get(download_url(product_a, "csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    col = {k: n for n, k in enumerate(rows[0])}
    row = next(r for r in rows if r[0] == "VPD-GOV-03")
    row[col["answer"]] = "yes"
    row[col["configurability"]] = "fixed_by_vendor"
    row[col["basis"]] = "public_policy"
    row[col["as_of"]] = "2025-01-31"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = SimpleUploadedFile("filled.csv", out.getvalue().encode(), "text/csv")
    # when
    response = client.post(upload_url(product_a), {"file": upload}, follow=True)
    # then
    assert response.status_code == 200
    assert "Imported into the draft: 1 answers" in response.content.decode()
    draft = Disclosure.objects.get(product=product_a).get_latest_revision_as_object()
    assert [a.criterion.code for a in draft.answers.all()] == ["VPD-GOV-03"]


def test_import_with_problems_lists_them_and_changes_nothing(
    client, vendor_rep_a, product_a
):
    client.force_login(vendor_rep_a)
    header = ",".join(COLUMN_KEYS)
    data = f"{header}\nVPD-GOV-03,,,,,maybe\n".encode()

    response = client.post(
        upload_url(product_a),
        {"file": SimpleUploadedFile("bad.csv", data, "text/csv")},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html
    assert '<th scope="row">2</th><td>answer</td>' in html
    assert "maybe is not an option of VPD-GOV-03" in html
    assert "The draft was not changed." in html
    assert not Disclosure.objects.filter(product=product_a).exists()


def test_import_without_a_file_asks_for_one(client, vendor_rep_a, product_a):
    client.force_login(vendor_rep_a)

    response = client.post(upload_url(product_a), {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_import_by_another_vendor_is_not_found(client, vendor_rep_b, product_a):
    client.force_login(vendor_rep_b)
    upload = SimpleUploadedFile("x.csv", b"criterion\n", "text/csv")

    assert client.post(upload_url(product_a), {"file": upload}).status_code == 404

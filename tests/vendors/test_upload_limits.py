"""Uploads over the size limit are refused before they reach a temporary file."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files import temp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from cop.core.uploads import SizeLimitedUploadHandler
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Disclosure, Product

pytestmark = pytest.mark.django_db

AS_OF = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = 1024 * 1024


@pytest.fixture
def temp_files(settings, tmp_path, monkeypatch) -> list[Any]:
    """Record every temporary file an upload handler creates (in tmp_path/uploads)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # anything larger would go to disk
    created: list[Any] = []
    real = temp.NamedTemporaryFile

    def spy(*args: Any, **kwargs: Any) -> Any:
        created.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(temp, "NamedTemporaryFile", spy)
    return created


@pytest.fixture
def rep_client(client, vendor_rep_a):
    client.force_login(vendor_rep_a)
    return client


def edit_url(product: Product) -> str:
    return reverse("vendors:disclosure_edit", kwargs={"product_id": product.pk})


def answers(upload: Any, **more: Any) -> dict[str, Any]:
    return {
        "VPD-GOV-03-value": "yes",
        "VPD-GOV-03-configurability": "fixed_by_vendor",
        "VPD-GOV-03-basis": "contract_clause",
        "VPD-GOV-03-as_of": AS_OF,
        "VPD-GOV-03-evidence_type": "contract",
        "VPD-GOV-03-evidence_file": upload,
        "VPD-GOV-01-status_reason": "Typed before the upload & kept",
        "save": "1",
        **more,
    }


def test_an_oversized_pdf_is_refused_unwritten_and_the_typed_answers_stay(
    rep_client, product_a, settings, temp_files
):
    # given: a limit of 1 MB and a PDF just over it
    settings.COP_DOCUMENT_MAX_BYTES = MB
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * MB, "application/pdf")

    # when
    response = rep_client.post(edit_url(product_a), answers(upload))

    # then: the form says why, keeps what was typed, saves nothing, wrote no file
    html = response.content.decode()
    assert response.status_code == 200
    assert "“big.pdf” is larger than 1 MB." in html
    assert "Nothing was saved: 1 answers need attention" in html
    assert "choose them again" in html
    assert "Typed before the upload &amp; kept" in html
    assert (
        'name="VPD-GOV-03-value" value="yes" id="id_VPD-GOV-03-value_0" checked' in html
    )
    assert temp_files == []
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []
    assert not Disclosure.objects.filter(product=product_a).exists()
    assert not get_document_model().objects.exists()


def test_a_pdf_within_the_limit_in_a_large_request_is_still_accepted(
    rep_client, product_a, settings, temp_files
):
    # given: a request over the limit (other fields), its PDF under it
    settings.COP_DOCUMENT_MAX_BYTES = MB
    upload = SimpleUploadedFile("dpa.pdf", PDF + b"0" * (MB // 2), "application/pdf")
    data = answers(upload, padding="x" * (MB // 2 + 4096))
    del data["VPD-GOV-01-status_reason"]

    # when
    response = rep_client.post(edit_url(product_a), data)

    # then: saved; the file went to a temporary file only once known to fit
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_document_model().objects.count() == 1
    assert temp_files == [settings.FILE_UPLOAD_TEMP_DIR]


def test_an_oversized_spreadsheet_is_refused_before_it_is_written(
    client, vendor_rep_a, product_a, settings, temp_files
):
    client.force_login(vendor_rep_a)
    upload = SimpleUploadedFile("answers.csv", b"x" * (2 * MB + 1), "text/csv")
    url = reverse("vendors:disclosure_upload", kwargs={"product_id": product_a.pk})

    response = client.post(url, {"file": upload})

    assert response.status_code == 400
    assert "The file is larger than 2 MB" in response.content.decode()
    assert temp_files == []
    assert not Disclosure.objects.filter(product=product_a).exists()


def _parse(body: bytes, max_bytes: int) -> tuple[Any, Any, SizeLimitedUploadHandler]:
    handler = SizeLimitedUploadHandler(None, max_bytes=max_bytes)  # type: ignore[arg-type]
    meta = {
        "CONTENT_TYPE": "multipart/form-data; boundary=B",
        "CONTENT_LENGTH": str(len(body)),
    }
    post, files = MultiPartParser(meta, io.BytesIO(body), [handler], "utf-8").parse()
    return post, files, handler


def _part(
    name: str, content: bytes, *, filename: str = "", length: bool = False
) -> bytes:
    disposition = f'form-data; name="{name}"' + (
        f'; filename="{filename}"' if filename else ""
    )
    headers = f"--B\r\nContent-Disposition: {disposition}\r\n"
    if length:
        headers += f"Content-Length: {len(content)}\r\n"
    return headers.encode() + b"\r\n" + content + b"\r\n"


@pytest.mark.parametrize("declared", [True, False])
def test_the_handler_skips_only_the_file_over_the_limit(declared):
    body = (
        _part("before", b"kept")
        + _part("big", b"1" * 300, filename="big.pdf", length=declared)
        + _part("small", b"2" * 50, filename="small.pdf", length=declared)
        + _part("after", b"kept too")
        + b"--B--\r\n"
    )

    post, files, handler = _parse(body, max_bytes=100)

    assert post["before"] == "kept"
    assert post["after"] == "kept too"
    assert set(files) == {"small"}
    assert files["small"].read() == b"2" * 50
    assert handler.refused == {"big": "big.pdf"}

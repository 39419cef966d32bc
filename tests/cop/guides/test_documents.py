"""Downloads: only real PDF and office files within the size limit are accepted."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _upload(client: Any, name: str, content: bytes) -> Any:
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": "1"},
    )


def _errors(response: Any) -> str:
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "Only PDF and office documents",
        ),
        (
            "page.html",
            b"<html><script>alert(1)</script></html>",
            "Only PDF and office documents",
        ),
        ("tool.exe", b"MZ\x90\x00", "Only PDF and office documents"),
        ("fake.pdf", b"<html><body>not a pdf</body></html>", "is not a real .pdf file"),
        ("fake.docx", PDF, "is not a real .docx file"),
    ],
)
def test_refused_uploads_say_why(
    client: Any, moderator_a: Any, name: str, content: bytes, message: str
) -> None:
    client.force_login(moderator_a)
    response = _upload(client, name, content)
    assert response.status_code == 200
    assert message in _errors(response) or message in response.content.decode()
    assert not get_document_model().objects.exists()


def test_oversized_upload_is_refused(
    client: Any, moderator_a: Any, settings: Any
) -> None:
    settings.COP_DOCUMENT_MAX_BYTES = 1024
    client.force_login(moderator_a)
    response = _upload(client, "big.pdf", PDF + b"0" * 2048)
    assert "documents may be at most 1.0\xa0KB" in _errors(response)
    assert not get_document_model().objects.exists()


@pytest.mark.parametrize(
    ("name", "content"), [("clauses.pdf", PDF), ("checklist.docx", _docx())]
)
def test_real_documents_are_accepted(
    client: Any, moderator_a: Any, name: str, content: bytes
) -> None:
    client.force_login(moderator_a)
    response = _upload(client, name, content)
    assert response.status_code == 302
    assert get_document_model().objects.get().file_extension == name.rsplit(".", 1)[1]

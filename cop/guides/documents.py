"""Uploads of downloadable documents: PDF and office files only, with a size limit.

Wagtail checks the extension (``WAGTAILDOCS_EXTENSIONS``); this form also refuses a
file larger than ``COP_DOCUMENT_MAX_BYTES`` and one whose content is not what its
extension says (an HTML page renamed ``.pdf``, a script in a ``.docx``), with a
message that names the problem. Set as ``WAGTAILDOCS_DOCUMENT_FORM_BASE``.
"""

from __future__ import annotations

import zipfile
from typing import IO, Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

#: Office Open XML: the part folder each format must contain.
_OOXML: Final = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
#: OpenDocument: the ``mimetype`` member each format must start with.
_ODF: Final = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
ALLOWED_EXTENSIONS: Final = ("pdf", *_OOXML, *_ODF)
DEFAULT_MAX_BYTES: Final = 10 * 1024 * 1024


def max_document_bytes() -> int:
    """Return the largest document accepted, in bytes."""
    return int(getattr(settings, "COP_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _zip_names(stream: IO[bytes]) -> tuple[list[str], bytes] | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            first = archive.read("mimetype") if "mimetype" in names else b""
            return names, first
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None


def content_matches_extension(stream: IO[bytes], extension: str) -> bool:
    """Return whether the file in ``stream`` is really a ``extension`` file."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if not head.startswith(b"PK\x03\x04"):
        return False
    found = _zip_names(stream)
    stream.seek(0)
    if found is None:
        return False
    names, mimetype = found
    if extension in _OOXML:
        prefix = _OOXML[extension]
        return "[Content_Types].xml" in names and any(
            n.startswith(prefix) for n in names
        )
    return mimetype.strip() == _ODF.get(extension)


def document_file_check(uploaded: Any) -> None:
    """Raise ``ValidationError`` with a clear message when ``uploaded`` is refused."""
    name = str(getattr(uploaded, "name", ""))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "Only PDF and office documents can be uploaded (%(allowed)s), not “%(name)s”."
            )
            % {"allowed": ", ".join(ALLOWED_EXTENSIONS), "name": name},
            code="file_type",
        )
    limit = max_document_bytes()
    if uploaded.size > limit:
        raise ValidationError(
            _("“%(name)s” is %(size)s; documents may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(limit),
            },
            code="file_size",
        )
    if not content_matches_extension(uploaded, extension):
        raise ValidationError(
            _(
                "“%(name)s” is not a real .%(ext)s file: its content does not match its extension."
            )
            % {"name": name, "ext": extension},
            code="file_content",
        )


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing what :func:`document_file_check` refuses."""

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and "file" in self.changed_data:
            document_file_check(uploaded)
        return uploaded

"""The rows of a disclosure spreadsheet: a product's draft, or a blank template.

Reads only; the caller checks access. The workbook lists each criterion's option keys
as a drop-down and the labels beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from vendors.models import (
    AnswerStatus,
    Configurability,
    DocumentType,
    EvidenceBasis,
    Product,
)
from vendors.selectors_editor import disclosure_draft, disclosure_for_product
from vendors.services.snapshots import applicable_criteria
from vendors.spreadsheets.files import XLSX_TYPE, ChoiceLists, csv_bytes, xlsx_bytes
from vendors.spreadsheets.rows import answer_row

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class Download:
    """A file to send: its name, content type and bytes."""

    filename: str
    content_type: str
    content: bytes


def _rows(criteria: list[Any], answers: dict[int, Any]) -> list[dict[str, Any]]:
    return [answer_row(c, answers.get(c.pk)) for c in criteria]


def _lists(criteria: list[Any]) -> ChoiceLists:
    return ChoiceLists(
        shared={
            "status": AnswerStatus.values,
            "configurability": Configurability.values,
            "basis": EvidenceBasis.values,
            "evidence_type": DocumentType.values,
        },
        per_criterion={c.code: [o.key for o in c.options.all()] for c in criteria},
        single_choice=frozenset(
            c.code for c in criteria if c.scale_kind in ("ordinal", "boolean", "list")
        ),
    )


def _download(
    *,
    stem: str,
    fmt: str,
    criteria: list[Any],
    answers: dict[int, Any],
    notes: list[str],
) -> Download:
    rows = _rows(criteria, answers)
    if fmt == "csv":
        return Download(f"{stem}.csv", "text/csv; charset=utf-8", csv_bytes(rows))
    return Download(
        f"{stem}.xlsx", XLSX_TYPE, xlsx_bytes(rows, lists=_lists(criteria), notes=notes)
    )


def _notes(title: str) -> list[str]:
    return [
        title,
        _(
            "One row per criterion. Fill the white columns; the grey ones are for reading."
        ),
        _(
            "Choose option keys from the drop-down lists; their labels are in the options column."
        ),
        _(
            "Import the file into the product's draft from the disclosure editor. Nothing is "
            "saved unless every row is valid; criteria left out of the file keep their answer."
        ),
    ]


def disclosure_export(*, product: Product, fmt: str) -> Download:
    """Return ``product``'s draft disclosure (the published one if no draft) as a file."""
    disclosure = disclosure_for_product(product=product)
    draft = disclosure_draft(disclosure=disclosure)
    answers = {a.criterion_id: a for a in draft.answers.all()} if draft else {}
    today = timezone.localdate().isoformat()
    stem = f"{slugify(product.organisation.name)}-{product.slug}-disclosure-{today}"
    return _download(
        stem=stem,
        fmt=fmt,
        criteria=applicable_criteria(product=product),
        answers=answers,
        notes=_notes(_("Disclosure of %(name)s") % {"name": product.name}),
    )


def template_export(*, product_type: str, fmt: str) -> Download:
    """Return a blank spreadsheet for products of ``product_type``."""
    kind = Product.ProductType(product_type)
    criteria = applicable_criteria(product=Product(product_type=kind.value))
    return _download(
        stem=f"disclosure-template-{kind.value}",
        fmt=fmt,
        criteria=criteria,
        answers={},
        notes=_notes(_("Blank disclosure: %(type)s") % {"type": kind.label}),
    )

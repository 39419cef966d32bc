"""Import a filled disclosure spreadsheet into a product's draft.

All or nothing: the file is read (refusing hostile files), every row is turned into an
answer record and checked with the editor's own validation, and only when no row has
a problem is the draft saved, as one new revision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cop.members.permissions import require
from vendors import permissions
from vendors.models import Product
from vendors.selectors_editor import disclosure_draft, disclosure_for_product
from vendors.services.disclosures import (
    disclosure_answers_check,
    disclosure_create,
    disclosure_save_draft,
)
from vendors.services.snapshots import applicable_criteria
from vendors.spreadsheets.files import (
    MAX_REPORTED,
    CellProblem,
    SpreadsheetError,
    read_upload,
)
from vendors.spreadsheets.rows import answer_record, row_record

__all__ = ["ImportResult", "SpreadsheetError", "disclosure_import"]

_ERROR_KEY: Final = re.compile(
    r"^(?P<code>[^.]+)\.(?P<field>[^.\[]+)(?:\[(?P<n>\d+)\])?"
)
#: Answer field (as the validation names it) -> the column that holds it.
_FIELD_COLUMN: Final = {
    "criterion": "criterion",
    "value": "answer",
    "fields": "details",
    "status": "status",
    "status_reason": "status_reason",
    "configurability": "configurability",
    "default_option": "default_option",
    "basis": "basis",
    "as_of": "as_of",
    "roadmap_item": "criterion",
    "evidence": "evidence_url",
}


@dataclass(frozen=True)
class ImportResult:
    """What an import changed: answers given, cleared, and criteria left as they were."""

    answered: int
    cleared: int
    untouched: int


def _refuse(problems: list[CellProblem]) -> SpreadsheetError:
    problems.sort(key=lambda p: (p.row, p.column))
    return SpreadsheetError(
        _("Nothing was imported: %(n)s problems in the file (listed below).")
        % {"n": len(problems)},
        problems[:MAX_REPORTED],
    )


def _service_problems(
    error: ValidationError, rows_of: dict[str, int]
) -> list[CellProblem]:
    problems = []
    for key, messages in error.message_dict.items():
        match = _ERROR_KEY.match(key)
        code = match["code"] if match else ""
        column = _FIELD_COLUMN.get(match["field"], "") if match else ""
        if match and match["field"] == "evidence" and match["n"] not in (None, "0"):
            column = "evidence_url"
        problems += [CellProblem(rows_of.get(code, 0), column, m) for m in messages]
    return problems


@transaction.atomic
def disclosure_import(
    *, product: Product, actor: Any, name: str, data: bytes
) -> ImportResult:
    """Replace the draft answers of the criteria in the file ``data`` with its rows.

    Only the product's editors, not while the disclosure is in review. Criteria not in
    the file keep their draft answer; a row left blank (or "not_disclosed") clears one.
    Raises :class:`SpreadsheetError` (with the problems by row and column) and saves
    nothing when the file cannot be read or any row is invalid.
    """
    require(permissions.can_edit_product(actor, product))
    disclosure = disclosure_for_product(product=product)
    if disclosure is not None and disclosure.workflow_in_progress:
        raise SpreadsheetError(
            _("The disclosure is with a moderator for review; import after the review.")
        )
    sheet = read_upload(name=name, data=data)
    criteria = {c.code: c for c in applicable_criteria(product=product)}
    draft = disclosure_draft(disclosure=disclosure)
    current = {a.criterion_id: a for a in draft.answers.all()} if draft else {}
    problems: list[CellProblem] = []
    rows_of: dict[str, int] = {}
    records: dict[str, dict[str, Any] | None] = {}
    for number, cells in sheet.rows:
        code = str(cells.get("criterion") or "").strip()
        criterion = criteria.get(code)
        if criterion is None or code in rows_of:
            message = (
                _("%(code)s is given twice; keep one row per criterion.")
                if code in rows_of
                else _("%(code)s is not a criterion of this type of product.")
                if code
                else _("The criterion code is missing.")
            )
            problems.append(CellProblem(number, "criterion", message % {"code": code}))
            continue
        rows_of[code] = number
        record, errors = row_record(criterion, cells, current.get(criterion.pk))
        problems += [
            CellProblem(number, column, m)
            for column, messages in errors.items()
            for m in messages
        ]
        records[code] = record
    answers = [
        record
        for code, criterion in criteria.items()
        if (
            record := records[code]
            if code in records
            else answer_record(current[criterion.pk], code=code)
            if criterion.pk in current
            else None
        )
        is not None
    ]
    try:
        disclosure_answers_check(product=product, answers=answers)
    except ValidationError as error:
        problems += _service_problems(error, rows_of)
    if problems:
        raise _refuse(problems)
    disclosure = disclosure or disclosure_create(product=product, actor=actor)
    disclosure_save_draft(disclosure=disclosure, actor=actor, answers=answers)
    answered = sum(1 for r in records.values() if r is not None)
    return ImportResult(
        answered=answered,
        cleared=sum(
            1
            for code, r in records.items()
            if r is None and criteria[code].pk in current
        ),
        untouched=len(criteria) - len(records),
    )

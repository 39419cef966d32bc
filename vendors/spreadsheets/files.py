"""Reading an uploaded disclosure spreadsheet safely, and writing XLSX and CSV.

An upload is refused with :class:`SpreadsheetError` before any of it is used when it
is too large, has too many rows, is a zip whose members would unpack to too much (an
XLSX is a zip: the sizes are read from its directory before openpyxl opens it), holds
macros or links to other workbooks, has formula cells, is a CSV that is not UTF-8, or
does not have exactly the expected columns. openpyxl parses the XML with defusedxml,
which refuses entity expansion.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from vendors.spreadsheets.columns import (
    COLUMN_KEYS,
    COLUMNS,
    IMPORTED_KEYS,
    guarded,
)

#: A full disclosure (59 criteria) is about 20 KB as XLSX and 15 KB as CSV; 2 MB leaves
#: room for long notes while a 10 MB file is refused before it is read.
MAX_UPLOAD_BYTES: Final = 2 * 1024 * 1024
#: Data rows: every criterion of every module fits many times over.
MAX_ROWS: Final = 1000
MAX_COLUMNS: Final = 40
#: Limits on what the zip of an XLSX may unpack to (a real one: about 200 KB, ratio ~10).
MAX_UNPACKED_BYTES: Final = 20 * 1024 * 1024
MAX_RATIO: Final = 100
MAX_MEMBERS: Final = 200
MAX_REPORTED: Final = 50
SHEET_TITLE: Final = "Disclosure"
LISTS_TITLE: Final = "Lists"
XLSX_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellProblem:
    """A problem at a row (1 is the header) and column (its key; "" for the row)."""

    row: int
    column: str
    message: str


class SpreadsheetError(Exception):
    """The upload was not read: ``message`` says why, ``problems`` where (if cells)."""

    def __init__(self, message: str, problems: Sequence[CellProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass
class Sheet:
    """The data rows of an upload: ``(row number, {column key: cell value})``."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


# ----------------------------------------------------------------- reading


def read_upload(*, name: str, data: bytes) -> Sheet:
    """Return the rows of an uploaded XLSX or CSV file, or raise SpreadsheetError."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise too_large()
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(b"PK"):
        return _header_checked(_xlsx_rows(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _("This is an old-style .xls workbook: save it as .xlsx or .csv.")
        )
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(_("The file is not a readable .xlsx workbook."))
    return _header_checked(_csv_rows(data))


def too_large() -> SpreadsheetError:
    """Return the refusal of a file over :data:`MAX_UPLOAD_BYTES`."""
    return SpreadsheetError(
        _("The file is larger than %(mb)s MB; a disclosure is far smaller.")
        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise SpreadsheetError(
            _("The file is not a readable .xlsx workbook.")
        ) from error
    names = [m.filename.lower() for m in members]
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members) or 1
    if len(members) > MAX_MEMBERS or total > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("The workbook would unpack to more than %(mb)s MB; it was not opened.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    if total / packed > MAX_RATIO or any(
        m.file_size > MAX_RATIO * max(m.compress_size, 1) + 4096 for m in members
    ):
        raise SpreadsheetError(
            _(
                "The workbook is compressed suspiciously well (a zip bomb?); it was not opened."
            )
        )
    if any(n.endswith("vbaproject.bin") for n in names):
        raise SpreadsheetError(
            _("The workbook contains macros; save it as a plain .xlsx workbook.")
        )
    if any(n.startswith("xl/externallinks/") for n in names):
        raise SpreadsheetError(
            _("The workbook links to other workbooks; paste the values instead.")
        )


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    _check_zip(data)
    try:
        book = load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except Exception as error:  # any parser failure (zip, XML, styles) means unreadable
        raise SpreadsheetError(
            _("The file is not a readable .xlsx workbook.")
        ) from error
    try:
        sheet = (
            book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        )
        rows: list[tuple[int, list[Any]]] = []
        formulas: list[CellProblem] = []
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            values = []
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":
                    formulas.append(
                        CellProblem(number, getattr(cell, "column_letter", ""), "")
                    )
                values.append(getattr(cell, "value", None))
            rows.append((number, values))
    finally:
        book.close()
    if formulas:
        raise SpreadsheetError(
            _(
                "The file has formulas (%(cells)s). Paste the values instead of formulas."
            )
            % {"cells": ", ".join(f"{p.column}{p.row}" for p in formulas[:10])},
        )
    return rows


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(n)s rows; a disclosure has one row per criterion.")
        % {"n": MAX_ROWS}
    )


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        ) from error
    if "\x00" in text:
        raise SpreadsheetError(_("The CSV file contains binary data."))
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, list[Any]]] = []
    formulas: list[str] = []
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            if number > MAX_ROWS + 1:
                raise _too_many_rows()
            cells = cells[:MAX_COLUMNS]
            formulas += [
                f"{get_column_letter(n)}{number}"
                for n, c in enumerate(cells, start=1)
                if c.lstrip().startswith("=")
            ]
            rows.append((number, list(cells)))
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error
    if formulas:
        raise SpreadsheetError(
            _(
                "The file has formulas (%(cells)s). Paste the values instead of formulas."
            )
            % {"cells": ", ".join(formulas[:10])}
        )
    return rows


def _header_checked(rows: list[tuple[int, list[Any]]]) -> Sheet:
    """Check the header row names exactly the known columns; return the data rows."""
    if not rows:
        raise SpreadsheetError(_("The file is empty."))
    header = [str(v or "").strip().lower() for v in rows[0][1]]
    while header and not header[-1]:
        header.pop()
    unknown = [h or _("(blank)") for h in header if h not in COLUMN_KEYS]
    missing = [k for k in IMPORTED_KEYS if k not in header]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if unknown or missing or twice:
        parts = []
        if missing:
            parts.append(_("missing: %(cols)s") % {"cols": ", ".join(missing)})
        if unknown:
            parts.append(_("not known: %(cols)s") % {"cols": ", ".join(unknown)})
        if twice:
            parts.append(_("given twice: %(cols)s") % {"cols": ", ".join(twice)})
        raise SpreadsheetError(
            _(
                "The first row must name the columns of the exported file (%(parts)s). "
                "Start again from a downloaded file and keep its first row as it is."
            )
            % {"parts": "; ".join(parts)}
        )
    sheet = Sheet()
    for number, values in rows[1:]:
        cells = {
            key: values[n] if n < len(values) else None
            for n, key in enumerate(header)
            if key
        }
        if any(v not in (None, "") for v in cells.values()):
            sheet.rows.append((number, cells))
    return sheet


# ----------------------------------------------------------------- writing


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value
    return guarded(str(value))


def csv_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Return ``rows`` as UTF-8 CSV (with a byte-order mark, so Excel reads UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMN_KEYS)
    for row in rows:
        values = (_plain(row.get(key)) for key in COLUMN_KEYS)
        writer.writerow(v.isoformat() if isinstance(v, dt.date) else v for v in values)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class ChoiceLists:
    """The drop-down lists of a workbook: shared ones and each criterion's options."""

    shared: Mapping[str, Sequence[str]]
    per_criterion: Mapping[str, Sequence[str]]
    single_choice: frozenset[str]


def xlsx_bytes(
    rows: Sequence[Mapping[str, Any]], *, lists: ChoiceLists, notes: Sequence[str]
) -> bytes:
    """Return ``rows`` as an XLSX workbook with drop-down lists and instructions."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has an active sheet
    sheet.title = SHEET_TITLE
    list_sheet = book.create_sheet(LISTS_TITLE)
    list_sheet.sheet_state = "hidden"
    ranges = _write_lists(list_sheet, lists)
    column_of = {c.key: get_column_letter(n) for n, c in enumerate(COLUMNS, start=1)}
    grey = PatternFill("solid", fgColor="EEEEEE")
    for n, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=n, value=column.key)
        cell.font = Font(bold=True)
        cell.comment = Comment(f"{column.label}: {column.help}", "cop")
        sheet.column_dimensions[get_column_letter(n)].width = column.width
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for n, column in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=r, column=n, value=_plain(row.get(column.key)))
            cell.alignment = wrap
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if not column.imported:
                cell.fill = grey
    last = max(len(rows) + 1, 2)
    for key, name in (
        ("status", "status"),
        ("configurability", "configurability"),
        ("basis", "basis"),
        ("evidence_type", "evidence_type"),
    ):
        _validate(sheet, ranges[name], f"{column_of[key]}2:{column_of[key]}{last}")
    for r, row in enumerate(rows, start=2):
        code = str(row.get("criterion"))
        if code not in ranges:
            continue
        _validate(sheet, ranges[code], f"{column_of['default_option']}{r}")
        if code in lists.single_choice:
            _validate(sheet, ranges[code], f"{column_of['answer']}{r}")
    sheet.freeze_panes = "B2"
    _write_instructions(book.create_sheet("Instructions", 0), notes)
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_lists(sheet: Any, lists: ChoiceLists) -> dict[str, str]:
    ranges: dict[str, str] = {}
    items = [*lists.shared.items(), *lists.per_criterion.items()]
    for r, (name, keys) in enumerate(items, start=1):
        sheet.cell(row=r, column=1, value=name)
        for n, key in enumerate(keys, start=2):
            sheet.cell(row=r, column=n, value=key)
        if keys:
            end = get_column_letter(len(keys) + 1)
            ranges[name] = f"{LISTS_TITLE}!$B${r}:${end}${r}"
    return ranges


def _validate(sheet: Any, source: str, cells: str) -> None:
    check = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Not an option"),
        error=_("Choose one of the options in the list."),
    )
    check.add(cells)
    sheet.add_data_validation(check)


def _write_instructions(sheet: Any, notes: Sequence[str]) -> None:
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["C"].width = 90
    r = 1
    for note in notes:
        sheet.cell(row=r, column=1, value=guarded(note))
        r += 1
    r += 1
    for n, title in enumerate(
        (_("Column"), _("Meaning"), _("How to fill it")), start=1
    ):
        sheet.cell(row=r, column=n, value=title).font = Font(bold=True)
    for column in COLUMNS:
        r += 1
        sheet.cell(row=r, column=1, value=column.key)
        sheet.cell(row=r, column=2, value=str(column.label))
        sheet.cell(row=r, column=3, value=str(column.help))

"""One criterion's answer as a spreadsheet row, and a row back as an answer record.

The record has the shape :func:`vendors.services.disclosure_save_draft` takes (the
one the editor's forms produce), so the import is checked by the same rules as the
form. What a row does not show (further evidence items, an uploaded document, the
linked roadmap item) is carried over from the draft's current answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from vendors.models import AnswerStatus, Configurability, DocumentType, EvidenceBasis
from vendors.spreadsheets.columns import (
    CellSyntaxError,
    cell_text,
    escape,
    keys_list,
    lines,
    pairs_text,
    parse_pairs,
)

RowErrors = dict[str, list[str]]

_CHOICE_COLUMNS: dict[str, Any] = {
    "status": AnswerStatus,
    "configurability": Configurability,
    "basis": EvidenceBasis,
    "evidence_type": DocumentType,
}


# ----------------------------------------------------------------- answer -> row


def _detail_text(spec: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _pairs(specs: list[Mapping[str, Any]], values: Mapping[str, Any]) -> str:
    return pairs_text(
        (s["key"], _detail_text(s, values[s["key"]]))
        for s in specs
        if values.get(s["key"]) not in (None, "", [])
    )


def options_text(criterion: Any) -> str:
    """Return the options (``key = label``), rows and fields of ``criterion`` as text."""
    scale = criterion.scale or {}
    parts = [f"{o.key} = {o.label}" for o in criterion.options.all()]
    if criterion.scale_kind == "table":
        rows = [
            f"  {r['key']} = {r.get('label', r['key'])}"
            for r in scale.get("rows") or []
        ]
        if rows or scale.get("rows_open"):
            parts.append(_("Rows:") + ("" if rows else " " + _("(add your own)")))
            parts += rows
    for name, title in (("fields", _("Fields:")), ("entry_fields", _("Entry fields:"))):
        specs = scale.get(name) or []
        if specs:
            parts.append(
                title + " " + ", ".join(f"{s['key']} ({s.get('type')})" for s in specs)
            )
    return "\n".join(parts)


def answer_row(criterion: Any, answer: Any) -> dict[str, Any]:
    """Return the row of ``criterion``: its description, and ``answer`` (or blanks)."""
    row: dict[str, Any] = {
        "criterion": criterion.code,
        "domain": criterion.domain.title,
        "question": criterion.title,
        "options": options_text(criterion),
    }
    if answer is None:
        return row
    labels = {o.key: o.label for o in criterion.options.all()}
    scale = criterion.scale or {}
    kind = criterion.scale_kind
    value = answer.value
    answer_text, label_text, entries = "", "", ""
    if kind == "table" and isinstance(value, dict):
        out, said = [], []
        for key, cell in value.items():
            cell = cell or {}
            extra = _pairs(scale.get("fields") or [], cell)
            if cell.get("label"):
                extra = "; ".join(
                    filter(None, [extra, f"label = {escape(cell['label'])}"])
                )
            out.append(
                f"{key} = {cell.get('option', '')}" + (f"; {extra}" if extra else "")
            )
            said.append(
                f"{cell.get('label') or key}: {labels.get(cell.get('option'), '')}"
            )
        answer_text, label_text = "\n".join(out), "\n".join(said)
    elif kind == "list" and isinstance(value, dict):
        answer_text = str(value.get("option") or "")
        label_text = labels.get(answer_text, "")
        specs = scale.get("entry_fields") or []
        entries = "\n".join(_pairs(specs, e) for e in value.get("entries") or [])
    elif kind == "multi" and isinstance(value, list):
        answer_text = "; ".join(value)
        label_text = "; ".join(str(labels.get(v, v)) for v in value)
    elif isinstance(value, str):
        answer_text, label_text = value, labels.get(value, "")
    evidence = list(answer.evidence.all())[:1]
    first = evidence[0] if evidence else None
    row.update(
        status=answer.status,
        answer=answer_text,
        answer_label=label_text,
        details=""
        if kind in ("table", "list")
        else _pairs(scale.get("fields") or [], answer.fields or {}),
        entries=entries,
        status_reason=answer.status_reason,
        configurability=answer.configurability,
        default_option=answer.default_option,
        basis=answer.basis,
        as_of=answer.as_of,
        product_version=answer.product_version,
        note=answer.note,
        evidence_url=first.url if first else "",
        evidence_type=first.document_type if first else "",
        evidence_excerpt=first.excerpt if first else "",
    )
    return row


# ----------------------------------------------------------------- row -> record


class _Row:
    """Reads one row's cells, collecting ``{column: [messages]}``."""

    def __init__(self, cells: Mapping[str, Any]) -> None:
        self.cells = cells
        self.errors: RowErrors = {}

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(message)

    def choice(self, column: str) -> str:
        text = self.text(column)
        choices = _CHOICE_COLUMNS[column]
        if text and text not in choices.values:
            self.error(
                column,
                _("%(value)s is not one of: %(keys)s.")
                % {"value": text, "keys": ", ".join(choices.values)},
            )
            return ""
        return text

    def date(self, column: str) -> dt.date | None:
        value = self.cells.get(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = self.text(column)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(column, _("Write the date as YYYY-MM-DD, e.g. 2025-03-31."))
            return None

    def fields(
        self, column: str, specs: list[Mapping[str, Any]], text: str
    ) -> dict[str, Any]:
        """Return the typed ``field = value`` pairs of ``text`` (errors on ``column``)."""
        known = {s["key"]: s for s in specs}
        try:
            pairs = parse_pairs(text)
        except CellSyntaxError as error:
            self.error(column, str(error))
            return {}
        values: dict[str, Any] = {}
        for key, raw in pairs:
            spec = known.get(key)
            if spec is None:
                self.error(
                    column,
                    _("%(key)s is not a field here; the fields are: %(keys)s.")
                    % {"key": key, "keys": ", ".join(known) or _("none")},
                )
            elif (value := self._typed(column, spec, raw)) is not None:
                values[key] = value
        return values

    def _typed(self, column: str, spec: Mapping[str, Any], raw: str) -> Any:
        kind = spec.get("type")
        if raw == "":
            return None
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                self.error(
                    column, _("%(key)s must be a whole number.") % {"key": spec["key"]}
                )
                return None
        if kind == "date":
            try:
                return dt.date.fromisoformat(raw).isoformat()
            except ValueError:
                self.error(
                    column,
                    _("%(key)s: write the date as YYYY-MM-DD.") % {"key": spec["key"]},
                )
                return None
        if kind == "text_list":
            return [
                v.strip() for v in raw.replace("\n", ",").split(",") if v.strip()
            ] or None
        return raw


def _value(row: _Row, criterion: Any) -> Any:
    kind = criterion.scale_kind
    text = row.text("answer")
    scale = criterion.scale or {}
    if kind == "multi":
        return keys_list(text)
    if kind == "table":
        table: dict[str, Any] = {}
        for line in lines(text):
            head, sep, rest = line.partition(";")
            key, eq, option = head.partition("=")
            key = key.strip()
            if not eq or not key:
                row.error(
                    "answer",
                    _("'%(line)s' is not of the form 'row = option'.")
                    % {"line": line.strip()},
                )
                continue
            if key in table:
                row.error("answer", _("Row %(row)s is given twice.") % {"row": key})
                continue
            specs = [*(scale.get("fields") or []), {"key": "label", "type": "text"}]
            cell: dict[str, Any] = {"option": option.strip()}
            cell.update(row.fields("answer", specs, rest) if sep else {})
            table[key] = cell
        return table or None
    if kind == "list":
        if not text:
            return None
        specs = list(scale.get("entry_fields") or [])
        entries = [
            row.fields("entries", specs, line) for line in lines(row.text("entries"))
        ]
        return {"option": text, "entries": [e for e in entries if e]}
    return text or None


def _evidence(row: _Row, current: Any) -> list[dict[str, Any]]:
    """Return the evidence list: the row's link first, the current draft's others kept."""
    items = evidence_records(current) if current is not None else []
    url, excerpt = row.text("evidence_url"), row.text("evidence_excerpt")
    kind = row.choice("evidence_type") or DocumentType.OTHER
    if not url and not excerpt:
        # A first item that is an uploaded document stays: the row cannot show it.
        return (
            items
            if items and items[0]["document_id"] and not items[0]["url"]
            else items[1:]
        )
    first = (
        items[0]
        if items
        else {"document_id": None, "section": "", "retrieved_on": None}
    )
    first = {**first, "url": url, "document_type": kind, "excerpt": excerpt}
    return [first, *items[1:]]


def row_record(
    criterion: Any, cells: Mapping[str, Any], current: Any
) -> tuple[dict[str, Any] | None, RowErrors]:
    """Return the answer record of a row (None: not disclosed) and its cell errors.

    ``current`` is the draft's answer to the criterion (or None); what the row does
    not show is kept from it. Option keys are checked later, by the same validation
    as the editor's form.
    """
    row = _Row(cells)
    status = row.choice("status")
    value = _value(row, criterion)
    fields = (
        {}
        if criterion.scale_kind in ("table", "list")
        else row.fields(
            "details",
            list((criterion.scale or {}).get("fields") or []),
            row.text("details"),
        )
    )
    if criterion.scale_kind != "list" and row.text("entries"):
        row.error("entries", _("Only list answers have entries."))
    reason = row.text("status_reason")
    if not status:
        given = value is not None and not (
            criterion.scale_kind == "multi" and not row.text("answer")
        )
        status = (
            AnswerStatus.ANSWERED
            if given
            else (AnswerStatus.NOT_APPLICABLE if reason else "")
        )
    record = {
        "criterion": criterion.code,
        "status": status,
        "status_reason": reason,
        "value": value if status == AnswerStatus.ANSWERED else None,
        "fields": fields,
        "configurability": row.choice("configurability"),
        "default_option": row.text("default_option"),
        "basis": row.choice("basis"),
        "as_of": row.date("as_of"),
        "product_version": row.text("product_version"),
        "note": row.text("note"),
        "roadmap_item_id": getattr(current, "roadmap_item_id", None),
        "evidence": _evidence(row, current),
    }
    if status in ("", AnswerStatus.NOT_DISCLOSED):
        return None, row.errors
    return record, row.errors


def evidence_records(answer: Any) -> list[dict[str, Any]]:
    """Return the evidence of a saved answer as the records the services take."""
    return [
        {
            "url": e.url,
            "document_id": e.document_id,
            "document_type": e.document_type,
            "section": e.section,
            "excerpt": e.excerpt,
            "retrieved_on": e.retrieved_on,
        }
        for e in answer.evidence.all()
    ]


def answer_record(answer: Any, *, code: str) -> dict[str, Any]:
    """Return a saved draft answer to criterion ``code`` as a record, to save it again."""
    return {
        "criterion": code,
        "status": answer.status,
        "status_reason": answer.status_reason,
        "value": answer.value,
        "fields": answer.fields or {},
        "configurability": answer.configurability,
        "default_option": answer.default_option,
        "basis": answer.basis,
        "as_of": answer.as_of,
        "product_version": answer.product_version,
        "note": answer.note,
        "roadmap_item_id": answer.roadmap_item_id,
        "evidence": evidence_records(answer),
    }

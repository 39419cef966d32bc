"""Detail values of an answer in reader's words: "Maximum retention: 14 days".

A criterion's scale may carry ``fields`` (answer-level, or per row of a table) and
``entry_fields`` (per entry of a list), each ``{key, label, type}`` with an optional
``unit`` or ``options`` (see ``criteria.yaml``). These functions turn the stored
values into labelled text using the *current* criterion's field descriptions; a
field the reference data no longer describes still shows, under its key. Pure: no
database access.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_SAFE_SCHEMES: Final = ("https://", "http://", "/")


@dataclass(frozen=True)
class Detail:
    """One labelled detail value; ``url`` is set (and safe) for links."""

    label: str
    text: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"


@dataclass(frozen=True)
class AnswerRow:
    """One row of a table answer: its label, the option chosen and the row's details."""

    label: str
    text: str
    details: tuple[Detail, ...] = ()


def safe_url(url: Any) -> str:
    """Return ``url`` when it is http(s) or site-relative, else an empty string."""
    text = str(url or "")
    return text if text.startswith(_SAFE_SCHEMES) and not text.startswith("//") else ""


def humanise_key(key: Any) -> str:
    """Return ``"max_days"`` as ``"Max days"`` (for keys without a label)."""
    return str(key).replace("_", " ").strip().capitalize()


def _quantity(value: int, unit: str) -> str:
    if unit == "days":
        return ngettext("%(n)d day", "%(n)d days", value) % {"n": value}
    return f"{value} {unit}".strip()


def detail(spec: Mapping[str, Any] | None, key: Any, value: Any) -> Detail | None:
    """Return the reader's view of one field value (None when the value is empty)."""
    if value in (None, "", [], {}):
        return None
    spec = spec or {}
    label = str(spec.get("label") or humanise_key(key))
    kind = spec.get("type")
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        return Detail(label, _quantity(value, str(spec.get("unit") or "")))
    if kind == "choice":
        labels = {o.get("key"): o.get("label") for o in spec.get("options") or []}
        return Detail(label, str(labels.get(value, value)))
    if kind == "url" or (isinstance(value, str) and value.startswith("http")):
        url = safe_url(value)
        return Detail(label, str(value), url) if url else Detail(label, str(value))
    if isinstance(value, list):
        return Detail(label, ", ".join(map(str, value)))
    if isinstance(value, dict):
        return None  # not a value a reader can use
    return Detail(label, str(value))


def details_of(
    values: Any, specs: Sequence[Mapping[str, Any]] | None
) -> tuple[Detail, ...]:
    """Return the non-empty details of ``values`` in the order the scale lists them."""
    if not isinstance(values, Mapping):
        return ()
    known = {s.get("key"): s for s in specs or [] if isinstance(s, Mapping)}
    ordered = [k for k in known if k in values] + [k for k in values if k not in known]
    out = (detail(known.get(k), k, values[k]) for k in ordered)
    return tuple(d for d in out if d is not None)


def table_rows(
    value: Any, labels: Mapping[str, str], spec: Mapping[str, Any]
) -> tuple[AnswerRow, ...]:
    """Return the rows of a table answer in the scale's row order (own rows last)."""
    if not isinstance(value, Mapping):
        return ()
    row_labels = {r.get("key"): r.get("label") for r in spec.get("rows") or []}
    keys = [k for k in row_labels if k in value] + [
        k for k in value if k not in row_labels
    ]
    rows = []
    for key in keys:
        cell = value[key]
        if not isinstance(cell, Mapping):
            continue
        option = str(cell.get("option") or "")
        extra = {k: v for k, v in cell.items() if k not in ("option", "label")}
        rows.append(
            AnswerRow(
                label=str(
                    cell.get("label") or row_labels.get(key) or humanise_key(key)
                ),
                text=str(labels.get(option, option)),
                details=details_of(extra, spec.get("fields")),
            )
        )
    return tuple(rows)


def list_entries(value: Any, spec: Mapping[str, Any]) -> tuple[tuple[Detail, ...], ...]:
    """Return the entries of a list answer, each as its labelled details."""
    entries = value.get("entries") if isinstance(value, Mapping) else None
    if not isinstance(entries, list):
        return ()
    out = (details_of(e, spec.get("entry_fields")) for e in entries)
    return tuple(e for e in out if e)


def row_line(row: AnswerRow) -> str:
    """Return one table row on one line: ``"Logs: Fixed maximum period (14 days)"``."""
    extra = "; ".join(d.text for d in row.details)
    return f"{row.label}: {row.text}" + (f" ({extra})" if extra else "")


def details_line(details: Sequence[Detail]) -> str:
    """Return details on one line, for a comparison cell or a summary."""
    return "; ".join(str(d) for d in details)


def entries_count_text(count: int) -> str:
    """Return "(3 listed)" for a list answer's one-line text."""
    return _("(%(count)d listed)") % {"count": count}

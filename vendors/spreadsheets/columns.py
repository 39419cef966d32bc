"""The columns of a disclosure spreadsheet and the small syntax used inside its cells.

A spreadsheet has one row per criterion. Most answers fit one cell (an option key);
the richer shapes are written as ``key = value`` pairs separated by ``;``, one table
row or list entry per line, so that nothing is JSON::

    logs = fixed_maximum; max_days = 30
    name = Example Analytics; purpose = usage statistics; data_categories = usage, device

A ``;``, a line break or a backslash inside a value is written ``\\;``, ``\\n``, ``\\\\``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    """One column: its key (the header cell), what it means, and whether it is read."""

    key: str
    label: Any
    help: Any
    imported: bool = True
    width: int = 18


COLUMNS: Final = (
    Column(
        "criterion",
        _("Criterion"),
        _("The criterion code. Do not change it."),
        True,
        14,
    ),
    Column("domain", _("Domain"), _("For reading only; ignored on import."), False, 22),
    Column(
        "question", _("Question"), _("For reading only; ignored on import."), False, 48
    ),
    Column(
        "options",
        _("Options (key = label)"),
        _(
            "The keys to use in the answer columns, each beside its label. For reading only."
        ),
        False,
        48,
    ),
    Column(
        "status",
        _("Status"),
        _(
            "answered, not_applicable or not_disclosed. Left empty: answered when an answer is given."
        ),
        True,
        16,
    ),
    Column(
        "answer",
        _("Answer (option key)"),
        _(
            "One option key; several separated by ';' for multiple choice; for tables one "
            "line per row: 'row = option' followed by '; field = value' when the row has fields."
        ),
        True,
        30,
    ),
    Column(
        "answer_label",
        _("Answer (label)"),
        _("For reading only; ignored on import."),
        False,
        36,
    ),
    Column(
        "details",
        _("Details"),
        _(
            "'field = value' pairs separated by ';' (the fields are listed in the options column)."
        ),
        True,
        30,
    ),
    Column(
        "entries",
        _("Entries"),
        _(
            "For list answers: one entry per line, 'field = value' pairs separated by ';'."
        ),
        True,
        40,
    ),
    Column(
        "status_reason",
        _("Why it does not apply"),
        _("Required when the status is not_applicable."),
        True,
        30,
    ),
    Column(
        "configurability",
        _("Who can change it"),
        _("fixed_by_vendor, library_configurable or user_configurable."),
        True,
        20,
    ),
    Column(
        "default_option",
        _("Default setting"),
        _(
            "The option in effect out of the box, when the library or the user can change it."
        ),
        True,
        18,
    ),
    Column(
        "basis",
        _("Evidence basis"),
        _("How the answer is backed (see the list)."),
        True,
        22,
    ),
    Column(
        "as_of",
        _("True as of"),
        _("The date the answer was last confirmed, as YYYY-MM-DD."),
        True,
        12,
    ),
    Column("product_version", _("Product version"), _("Optional."), True, 14),
    Column("note", _("Note"), _("Optional."), True, 30),
    Column(
        "evidence_url", _("Evidence link"), _("An http:// or https:// link."), True, 30
    ),
    Column(
        "evidence_type",
        _("Kind of document"),
        _("The kind of the linked document (see the list)."),
        True,
        20,
    ),
    Column("evidence_excerpt", _("Short quote or section"), _("Optional."), True, 30),
)
COLUMN_KEYS: Final = tuple(c.key for c in COLUMNS)
IMPORTED_KEYS: Final = tuple(c.key for c in COLUMNS if c.imported)
#: Characters that make a spreadsheet program read a cell as a formula; text starting
#: with one is written behind an apostrophe, which the import takes off again.
FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class CellSyntaxError(ValueError):
    """A cell that does not follow the ``key = value; key = value`` syntax."""


# ----------------------------------------------------------------- writing


def escape(value: str) -> str:
    """Return ``value`` with ``\\``, ``;`` and line breaks escaped for a pair list."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def pairs_text(pairs: Iterable[tuple[str, str]]) -> str:
    """Return ``key = value; key = value`` for ``pairs`` (values escaped)."""
    return "; ".join(f"{key} = {escape(value)}" for key, value in pairs)


def guarded(text: str) -> str:
    """Return ``text`` safe from being read as a formula (an apostrophe in front)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def unguarded(text: str) -> str:
    """Undo :func:`guarded`."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


# ----------------------------------------------------------------- reading


def cell_text(value: Any) -> str:
    """Return a cell's value as trimmed text (numbers without ``.0``, dates as ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unguarded(str(value).strip())


def _split(text: str, sep: str) -> Iterator[str]:
    """Split ``text`` on ``sep`` not preceded by a backslash; unescape each part."""
    part: list[str] = []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            part.append({"n": "\n", ";": ";", "\\": "\\"}.get(nxt, "\\" + nxt))
        elif char == sep:
            yield "".join(part)
            part = []
        else:
            part.append(char)
    yield "".join(part)


def lines(text: str) -> list[str]:
    """Return the non-blank lines of a cell."""
    return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def parse_pairs(line: str) -> list[tuple[str, str]]:
    """Return the ``(key, value)`` pairs of ``key = value; key = value``.

    Raises :class:`CellSyntaxError` when a part has no ``=`` or a key is repeated.
    """
    pairs: list[tuple[str, str]] = []
    for part in _split(line, ";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            raise CellSyntaxError(
                _("'%(part)s' is not of the form 'field = value'.")
                % {"part": part.strip()}
            )
        if key in {k for k, _v in pairs}:
            raise CellSyntaxError(_("%(key)s is given twice.") % {"key": key})
        pairs.append((key, value.strip()))
    return pairs


def keys_list(text: str) -> list[str]:
    """Return the option keys of a multiple-choice cell (``;``, ``,`` or lines)."""
    for sep in ("\n", ","):
        text = text.replace(sep, ";")
    return [k.strip() for k in text.split(";") if k.strip()]

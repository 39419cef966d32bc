"""CSV and JSON downloads of the public comparison.

CSV cells are neutralised against spreadsheet formula injection (OWASP "CSV
Injection"): a vendor-supplied value that starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return would run as a formula when a library worker opens the file
in a spreadsheet, so such cells get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Final

from vendors.selectors_public import Comparison

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """Return ``value`` as text that a spreadsheet shows instead of evaluating."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Return ``rows`` as CSV text, every cell neutralised by :func:`csv_safe`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()


def comparison_rows(comparison: Comparison) -> list[list[Any]]:
    """Return the comparison as a header row plus one row per criterion."""
    header = ["criterion", "title", "domain", "module"]
    for column in comparison.columns:
        header += [column.product.name, f"{column.product.name} (mark)"]
    rows: list[list[Any]] = [header]
    for row in comparison.rows:
        line: list[Any] = [
            row.criterion.code,
            row.criterion.title,
            row.criterion.domain.code,
            row.criterion.module.code,
        ]
        for cell in row.cells:
            text = cell.text if cell.status == "answered" else cell.status_label
            line += [f"{text} ({cell.details})" if cell.details else text, cell.mark]
        rows.append(line)
    return rows


def comparison_csv(comparison: Comparison) -> str:
    """Return the comparison as CSV text (formula-safe)."""
    return csv_text(comparison_rows(comparison))


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Return the comparison as a JSON-ready mapping (the rows the page shows)."""
    return {
        "rows": comparison.rows_shown,
        "differences_only": comparison.differences_only,
        "criteria_compared": comparison.total_rows,
        "hidden": {
            "unanswered": comparison.unanswered_rows,
            "same_answer": comparison.same_rows,
        },
        "products": [
            {
                "slug": column.product.slug,
                "vendor": column.product.organisation.slug,
                "name": column.product.name,
                "coverage": {
                    "disclosed": column.disclosed,
                    "applicable": column.applicable,
                },
                "published_at": (
                    column.published_at.isoformat() if column.published_at else None
                ),
            }
            for column in comparison.columns
        ],
        "criteria": [
            {
                "code": row.criterion.code,
                "title": row.criterion.title,
                "domain": row.criterion.domain.code,
                "module": row.criterion.module.code,
                "answers": [
                    {
                        "product": column.product.slug,
                        "status": cell.status,
                        "value": cell.value,
                        "text": cell.text,
                        "details": cell.details,
                        "rank": cell.rank,
                        "mark": cell.mark or None,
                    }
                    for column, cell in zip(comparison.columns, row.cells, strict=True)
                ],
            }
            for row in comparison.rows
        ],
    }

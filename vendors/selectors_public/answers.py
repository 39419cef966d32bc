"""Pure helpers that turn a published answer record into what readers see.

An answer record is one entry of ``DisclosureVersion.answers`` (see
``vendors.models.versions``). Nothing here touches the database.

**Ranking** (for "best"/"worst" in the comparison): a lower rank is more protective.
ordinal and boolean answers take their option's rank; ``list`` answers the rank of
their overall option; ``table`` answers the rank of their *worst* row (one collected
and linked data category outweighs many uncollected ones); ``multi`` answers the rank
of their most intrusive choice, and "none of these apply" (an empty list) ranks 0,
better than any choice. Answers that are not ``answered`` have no rank: a gap is never
best nor worst.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from django.utils import translation
from django.utils.translation import gettext as _

from vendors.models import AnswerStatus, Configurability, DocumentType, EvidenceBasis
from vendors.selectors_public.details import (
    AnswerRow,
    Detail,
    details_line,
    details_of,
    entries_count_text,
    list_entries,
    row_line,
    safe_url,
    table_rows,
)

ANSWERED: Final = AnswerStatus.ANSWERED.value
NOT_DISCLOSED: Final = AnswerStatus.NOT_DISCLOSED.value
NOT_APPLICABLE: Final = AnswerStatus.NOT_APPLICABLE.value
#: Status of a comparison cell whose criterion does not apply to the product's type.
NOT_ASKED: Final = "not_asked"
#: Status of a comparison cell for a product without a published disclosure.
NO_DISCLOSURE: Final = "no_disclosure"

BEST: Final = "best"
WORST: Final = "worst"


@dataclass(frozen=True)
class Evidence:
    """One citation behind an answer, ready to render."""

    url: str
    document_type: str
    document_type_key: str
    section: str
    excerpt: str
    retrieved_on: str
    #: The uploaded document (a PDF on this site), when there is one.
    document_url: str = ""


@dataclass(frozen=True)
class AnswerView:
    """One published answer as the product page and the API show it."""

    code: str
    title: str
    summary: str
    domain: str
    module: str
    status: str
    status_label: str
    text: str
    value: Any
    rank: int | None
    details: Sequence[Detail] = ()
    rows: Sequence[AnswerRow] = ()
    entries: Sequence[Sequence[Detail]] = ()
    status_reason: str = ""
    configurability: str = ""
    configurability_key: str = ""
    default_text: str = ""  # label of the option in effect out of the box
    basis: str = ""
    basis_key: str = ""
    as_of: str = ""
    stale: bool = False
    product_version: str = ""
    note: str = ""
    roadmap_item_id: int | None = None
    evidence: Sequence[Evidence] = field(default_factory=tuple)
    roadmap: Sequence[Any] = ()  # RoadmapItems about this criterion (product page)

    @property
    def is_gap(self) -> bool:
        """Return whether the vendor has not disclosed this point."""
        return self.status == NOT_DISCLOSED

    @property
    def details_text(self) -> str:
        """Return the answer-level details on one line ("Kept at most: 14 days").

        Links are left out: a one-line summary (the comparison, the glance) names
        values, and the product page shows the links.
        """
        return details_line([d for d in self.details if not d.url])


def answer_rank(kind: str, value: Any, ranks: Mapping[str, int]) -> int | None:
    """Return the rank of an answered value (see the module docstring), or None."""
    if kind in {"ordinal", "boolean"}:
        return ranks.get(value) if isinstance(value, str) else None
    if kind == "multi":
        if not isinstance(value, list):
            return None
        chosen = [ranks[key] for key in value if key in ranks]
        return max(chosen) if chosen else 0
    if kind == "table":
        if not isinstance(value, dict):
            return None
        options = [row.get("option") for row in value.values() if isinstance(row, dict)]
        rows = [ranks[o] for o in options if isinstance(o, str) and o in ranks]
        return max(rows) if rows else None
    if kind == "list":
        option = value.get("option") if isinstance(value, dict) else None
        return ranks.get(option) if isinstance(option, str) else None
    return None


def answer_text(
    kind: str,
    value: Any,
    labels: Mapping[str, str],
    row_labels: Mapping[str, str] | None = None,
    spec: Mapping[str, Any] | None = None,
) -> str:
    """Return a one-line, human-readable rendering of an answered value.

    ``spec`` is the criterion's current scale (rows, fields): with it, table rows
    carry their details ("Logs: Fixed maximum period (14 days)").
    """
    if kind in {"ordinal", "boolean"}:
        return labels.get(value, str(value)) if value is not None else ""
    if kind == "multi":
        if not isinstance(value, list):
            return ""
        return ", ".join(labels.get(k, str(k)) for k in value) or _("None of these")
    if kind == "table" and isinstance(value, dict):
        rows_spec = dict(spec or {})
        if row_labels is not None and not rows_spec.get("rows"):
            rows_spec["rows"] = [{"key": k, "label": v} for k, v in row_labels.items()]
        return "; ".join(row_line(r) for r in table_rows(value, labels, rows_spec))
    if kind == "list" and isinstance(value, dict):
        option = str(value.get("option") or "")
        text = labels.get(option, option)
        entries = value.get("entries") or []
        if entries:
            text += " " + entries_count_text(len(entries))
        return text
    return ""


@functools.lru_cache(maxsize=16)
def _labels(language: str | None) -> dict[str, dict[str, str]]:
    """Return every choice label in ``language``, translated once per process."""
    with translation.override(language):
        return {
            "status": {
                **{key: str(label) for key, label in AnswerStatus.choices},
                NOT_ASKED: _("Not asked for this product type"),
                NO_DISCLOSURE: _("No published disclosure"),
                "text:" + NOT_APPLICABLE: _("Not applicable"),
                "text:" + NOT_DISCLOSED: _("Not disclosed"),
            },
            "configurability": {k: str(v) for k, v in Configurability.choices},
            "basis": {k: str(v) for k, v in EvidenceBasis.choices},
            "document_type": {k: str(v) for k, v in DocumentType.choices},
        }


def choice_labels() -> dict[str, dict[str, str]]:
    """Return the choice labels in the active language (cached)."""
    return _labels(translation.get_language())


def status_label(status: str) -> str:
    """Return the reader-facing label of a cell status."""
    return choice_labels()["status"].get(status, status)


def answer_view(
    *,
    code: str,
    record: Mapping[str, Any] | None,
    scale: Mapping[str, Any],
    summary: str = "",
    spec: Mapping[str, Any] | None = None,
    ranks: Mapping[str, int] | None = None,
    stale_before: date | None = None,
) -> AnswerView:
    """Return the reader's view of one answer record (``None``: not disclosed).

    ``scale`` is the scale frozen in the version (kind, labels, ranks); ``spec`` the
    criterion's current scale (rows, fields, entry fields) for labelling details.
    ``ranks`` overrides the frozen ranks (the comparison uses the current ones, so
    that every product is ranked on the same ladder).
    """
    spec = spec or {}
    record = record or {"status": NOT_DISCLOSED}
    names = choice_labels()
    status = str(record.get("status") or NOT_DISCLOSED)
    kind = str(scale.get("kind", ""))
    labels = scale.get("labels") or {}
    value = record.get("value") if status == ANSWERED else None
    as_of = str(record.get("as_of") or "")
    stale = bool(
        status == ANSWERED
        and stale_before
        and as_of
        and date.fromisoformat(as_of[:10]) < stale_before
    )
    rows: tuple[AnswerRow, ...] = ()
    entries: tuple[tuple[Detail, ...], ...] = ()
    details: tuple[Detail, ...] = ()
    if status == ANSWERED:
        text = answer_text(kind, value, labels, spec=spec)
        rank = answer_rank(kind, value, ranks or scale.get("ranks") or {})
        rows = table_rows(value, labels, spec) if kind == "table" else ()
        entries = list_entries(value, spec) if kind == "list" else ()
        details = details_of(record.get("fields"), spec.get("fields"))
    else:
        text, rank = names["status"]["text:" + status_key(status)], None
    evidence = tuple(
        Evidence(
            url=safe_url(item.get("url") or item.get("document_url")),
            document_type=_label(names["document_type"], item.get("document_type")),
            document_type_key=str(item.get("document_type") or ""),
            section=str(item.get("section") or ""),
            excerpt=str(item.get("excerpt") or ""),
            retrieved_on=str(item.get("retrieved_on") or ""),
            document_url=safe_url(item.get("document_url")),
        )
        for item in (record.get("evidence") or [])
        if isinstance(item, dict)
    )
    return AnswerView(
        code=code,
        title=str(scale.get("title", code)),
        summary=summary,
        domain=str(scale.get("domain", "")),
        module=str(scale.get("module", "")),
        status=status,
        status_label=names["status"].get(status, status),
        text=text,
        value=value,
        rank=rank,
        details=details,
        rows=rows,
        entries=entries,
        status_reason=str(record.get("status_reason") or ""),
        configurability=_label(names["configurability"], record.get("configurability")),
        configurability_key=str(record.get("configurability") or ""),
        default_text=str(labels.get(record.get("default_option") or "", ""))
        if status == ANSWERED
        else "",
        basis=_label(names["basis"], record.get("basis")),
        basis_key=str(record.get("basis") or ""),
        as_of=as_of,
        stale=stale,
        product_version=str(record.get("product_version") or ""),
        note=str(record.get("note") or ""),
        roadmap_item_id=record.get("roadmap_item_id"),
        evidence=evidence,
    )


def _label(names: Mapping[str, str], key: Any) -> str:
    return names.get(key, str(key)) if key else ""


def status_key(status: str) -> str:
    """Return ``status`` for the text of a gap (anything unknown reads as a gap)."""
    return NOT_APPLICABLE if status == NOT_APPLICABLE else NOT_DISCLOSED


def best_and_worst(ranks: Sequence[int | None]) -> list[str]:
    """Return a mark per cell: ``best``/``worst`` by rank, ``""`` otherwise.

    Cells without a rank (gaps, not applicable) get no mark. Nothing is marked when
    fewer than two cells are ranked or all ranked cells are equal.
    """
    ranked = [r for r in ranks if r is not None]
    if len(ranked) < 2 or min(ranked) == max(ranked):
        return [""] * len(ranks)
    low, high = min(ranked), max(ranked)
    return [BEST if r == low else WORST if r == high else "" for r in ranks]

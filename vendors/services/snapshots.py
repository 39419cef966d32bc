"""Turn a disclosure (live rows, or a draft revision in memory) into snapshot JSON.

The same shapes are stored in :class:`~vendors.models.DisclosureVersion` and used by
the admin preview, so that what a moderator previews is what gets published.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cop.privacy.selectors import criteria_for_modules
from vendors.models import AnswerStatus, Disclosure, Product


@dataclass(frozen=True)
class Snapshot:
    """The three JSON parts of a published version."""

    answers: dict[str, dict[str, Any]]
    scales: dict[str, dict[str, Any]]
    coverage: dict[str, int]


def applicable_criteria(*, product: Product) -> list[Any]:
    """Return the current criteria that apply to ``product`` (core + its type's module)."""
    modules = [m for m in product.criterion_modules() if m != "core"]
    return list(criteria_for_modules(modules=modules))


def scale_record(criterion: Any) -> dict[str, Any]:
    """Return the frozen scale description of ``criterion`` stored in a snapshot."""
    options = list(criterion.options.all())
    return {
        "kind": criterion.scale_kind,
        "title": criterion.title,
        "domain": criterion.domain.code,
        "module": criterion.module.code,
        "ranks": {o.key: o.rank for o in options},
        "labels": {o.key: o.label for o in options},
    }


def evidence_record(item: Any) -> dict[str, Any]:
    """Return one evidence item as snapshot JSON."""
    document = item.document if item.document_id else None
    return {
        "url": item.url,
        "document_id": item.document_id,
        "document_url": document.url if document is not None else "",
        "document_type": item.document_type,
        "section": item.section,
        "excerpt": item.excerpt,
        "retrieved_on": item.retrieved_on.isoformat() if item.retrieved_on else None,
    }


def answer_record(answer: Any) -> dict[str, Any]:
    """Return one Answer as snapshot JSON (without its criterion code)."""
    return {
        "status": answer.status,
        "status_reason": answer.status_reason,
        "value": answer.value,
        "fields": answer.fields or {},
        "configurability": answer.configurability,
        "default_option": answer.default_option,
        "basis": answer.basis,
        "as_of": answer.as_of.isoformat() if answer.as_of else None,
        "product_version": answer.product_version,
        "note": answer.note,
        "roadmap_item_id": answer.roadmap_item_id,
        "evidence": [evidence_record(e) for e in answer.evidence.all()],
    }


def not_disclosed_record() -> dict[str, Any]:
    """Return the record of a criterion the vendor has not answered."""
    return {"status": AnswerStatus.NOT_DISCLOSED, "evidence": []}


def coverage_counts(answers: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Count statuses: applicable, answered, not_applicable, not_disclosed, disclosed."""
    statuses = [a.get("status") for a in answers.values()]
    answered = statuses.count(AnswerStatus.ANSWERED)
    not_applicable = statuses.count(AnswerStatus.NOT_APPLICABLE)
    return {
        "applicable": len(statuses),
        "answered": answered,
        "not_applicable": not_applicable,
        "not_disclosed": len(statuses) - answered - not_applicable,
        "disclosed": answered + not_applicable,
    }


def disclosure_snapshot(*, disclosure: Disclosure) -> Snapshot:
    """Return the snapshot of ``disclosure`` as it is in memory (live rows or a revision).

    Every criterion that applies to the product gets a record; unanswered ones are
    ``not_disclosed``. Answers to criteria that no longer apply are left out.
    """
    criteria = applicable_criteria(product=disclosure.product)
    by_id = {c.pk: c for c in criteria}
    given = {
        a.criterion_id: a for a in disclosure.answers.all() if a.criterion_id in by_id
    }
    answers: dict[str, dict[str, Any]] = {}
    scales: dict[str, dict[str, Any]] = {}
    for criterion in criteria:
        answer = given.get(criterion.pk)
        answers[criterion.code] = (
            answer_record(answer) if answer is not None else not_disclosed_record()
        )
        scales[criterion.code] = scale_record(criterion)
    return Snapshot(answers=answers, scales=scales, coverage=coverage_counts(answers))

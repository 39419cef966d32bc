"""The product page: summary, "at a glance" answers, answers by domain, roadmap, changes.

Built from the latest *published* version only, in a fixed number of queries
(versions, criteria, domains, roadmap with its criteria and history). The result
does not depend on who reads it, so :mod:`vendors.cache` renders it once per
published version and serves the HTML to every reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from cop.privacy.data_files import at_a_glance_read
from cop.privacy.models import Domain
from vendors import selectors
from vendors.models import DisclosureVersion, Product, RoadmapItem
from vendors.selectors import Coverage
from vendors.selectors_public.answers import ANSWERED, NOT_APPLICABLE, AnswerView
from vendors.selectors_public.pages import (
    answer_views,
    changes_between,
    coverage_of,
    criteria_details,
    stale_before,
)
from vendors.services.changelog import AnswerChange


@dataclass
class DomainGroup:
    """The answers of one domain, in criterion order, with its counts."""

    code: str
    title: str
    answers: list[AnswerView] = field(default_factory=list)

    @property
    def disclosed(self) -> list[AnswerView]:
        """Return the answered and not-applicable rows (shown first)."""
        return [a for a in self.answers if not a.is_gap]

    @property
    def gaps(self) -> list[AnswerView]:
        """Return the criteria the vendor has not disclosed (collapsed on the page)."""
        return [a for a in self.answers if a.is_gap]

    @property
    def answered_count(self) -> int:
        return sum(a.status == ANSWERED for a in self.answers)

    @property
    def not_applicable_count(self) -> int:
        return sum(a.status == NOT_APPLICABLE for a in self.answers)

    @property
    def answered_percent(self) -> int:
        """Return the share answered, 0-100, for the coverage bar."""
        return (
            round(100 * self.answered_count / len(self.answers)) if self.answers else 0
        )

    @property
    def disclosed_percent(self) -> int:
        """Return the share answered or not applicable, 0-100."""
        count = len(self.disclosed)
        return round(100 * count / len(self.answers)) if self.answers else 0

    @property
    def not_applicable_percent(self) -> int:
        """Return the width of the not-applicable part of the coverage bar."""
        return self.disclosed_percent - self.answered_percent


@dataclass(frozen=True)
class GlanceRow:
    """One "at a glance" question with the answers that apply to the product."""

    key: str
    question: str
    answers: tuple[AnswerView, ...]


@dataclass
class ProductPage:
    """Everything the product page shows (no per-viewer data)."""

    product: Product
    version: DisclosureVersion | None
    coverage: Coverage | None
    groups: list[DomainGroup]
    roadmap: list[RoadmapItem]
    changes: list[AnswerChange]
    previous_number: int | None
    version_count: int
    glance: list[GlanceRow] = field(default_factory=list)


def group_by_domain(answers: Sequence[AnswerView]) -> list[DomainGroup]:
    """Group answers by domain, in domain order (one query for the titles)."""
    titles = {d.code: d.title for d in Domain.objects.all()}
    groups: dict[str, DomainGroup] = {}
    for answer in answers:
        group = groups.setdefault(
            answer.domain,
            DomainGroup(
                code=answer.domain, title=titles.get(answer.domain, answer.domain)
            ),
        )
        group.answers.append(answer)
    return list(groups.values())


def glance_rows(answers: Sequence[AnswerView]) -> list[GlanceRow]:
    """Return the "at a glance" questions answered from ``answers`` (no query).

    A question shows the answers (gaps included) of its criteria that apply to the
    product, preferred first and at most ``show`` of them; a question none of whose
    criteria applies is left out.
    """
    by_code = {a.code: a for a in answers}
    rows = []
    for question in at_a_glance_read():
        found = [by_code[c] for c in question.criteria if c in by_code]
        if question.show:
            found = found[: question.show]
        if found:
            rows.append(GlanceRow(question.key, question.question, tuple(found)))
    return rows


def roadmap_list(*, product: Product) -> list[RoadmapItem]:
    """Return the product's roadmap items with criteria and status history."""
    return list(selectors.roadmap_item_list(product=product))


def _with_roadmap(
    answers: list[AnswerView], roadmap: Sequence[RoadmapItem]
) -> list[AnswerView]:
    """Attach to each answer the roadmap items that name its criterion or it names."""
    by_id = {item.pk: item for item in roadmap}
    by_code: dict[str, list[RoadmapItem]] = {}
    for item in roadmap:
        for criterion in item.criteria.all():
            by_code.setdefault(criterion.code, []).append(item)
    out = []
    for answer in answers:
        items = list(by_code.get(answer.code, []))
        linked = by_id.get(answer.roadmap_item_id or 0)
        if linked is not None and linked not in items:
            items.insert(0, linked)
        out.append(
            dataclasses.replace(answer, roadmap=tuple(items)) if items else answer
        )
    return out


def product_page(
    *, product: Product, preview: DisclosureVersion | None = None
) -> ProductPage:
    """Return the published content of the product page (fixed number of queries).

    ``preview`` (an unsaved version built from a draft) is shown as if it were
    published, with its changes against the latest published version.
    """
    versions = list(selectors.disclosure_version_list(product=product))
    if preview is not None:
        versions.insert(0, preview)
    roadmap = roadmap_list(product=product)
    if not versions:
        return ProductPage(product, None, None, [], roadmap, [], None, 0)
    latest = versions[0]
    cutoff = stale_before()
    criteria = criteria_details(list((latest.answers or {}).keys()))
    answers = _with_roadmap(
        answer_views(latest, cutoff=cutoff, criteria=criteria), roadmap
    )
    previous = versions[1] if len(versions) > 1 else None
    return ProductPage(
        product=product,
        version=latest,
        coverage=coverage_of(latest, cutoff=cutoff),
        groups=group_by_domain(answers),
        roadmap=roadmap,
        changes=changes_between(previous, latest) if previous else [],
        previous_number=previous.number if previous else None,
        version_count=len(versions),
        glance=glance_rows(answers),
    )

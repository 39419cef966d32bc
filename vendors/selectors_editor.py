"""Reads of the disclosure editor and the review screen: drafts, progress, the diff.

The diff of a draft against the published version is the changelog's own comparison
(:func:`vendors.services.changelog_between`), so representatives before submitting,
moderators reviewing and readers of the public changelog all see the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Revision, TaskState, WorkflowState

from vendors import cache, permissions
from vendors.models import Disclosure, DisclosureVersion, Product, RoadmapItem
from vendors.selectors import disclosure_version_latest
from vendors.services.changelog import (
    AnswerChange,
    changelog_between,
    changelog_summary,
)
from vendors.services.snapshots import applicable_criteria, disclosure_snapshot


@dataclass(frozen=True)
class DraftReview:
    """A draft compared with what is public: progress and the changes it would make."""

    coverage: dict[str, int]
    changes: list[AnswerChange]
    summary: dict[str, int]
    published_number: int | None


def disclosure_for_product(*, product: Product) -> Disclosure | None:
    """Return ``product``'s disclosure (or None) with what the editor reads joined."""
    disclosure: Disclosure | None = (
        Disclosure.objects.select_related("product__organisation", "latest_revision")
        .filter(product=product)
        .first()
    )
    return disclosure


def disclosure_draft(*, disclosure: Disclosure | None) -> Disclosure | None:
    """Return the latest draft of ``disclosure`` as an object, answers in memory.

    A disclosure always has a revision once created through the services; one without
    (made by hand) is read from its live rows, evidence prefetched.
    """
    if disclosure is None:
        return None
    if disclosure.latest_revision_id:
        return _revision_object(disclosure, disclosure.latest_revision)
    live: Disclosure = (
        Disclosure.objects.select_related("product__organisation")
        .prefetch_related("answers__evidence")
        .get(pk=disclosure.pk)
    )
    return live


def editor_criteria(*, product: Product) -> list[Any]:
    """Return the criteria applying to ``product`` with their domains and options.

    Read on every view of the editor: kept in the process per product type until the
    reference data change (:func:`vendors.cache.reference_value`); read-only.
    """
    criteria: list[Any] = cache.reference_value(
        parts=["editor-criteria", product.product_type],
        build=lambda: applicable_criteria(product=product),
    )
    return criteria


def answer_contents(
    *, disclosure: Disclosure | None
) -> dict[int, dict[str, Any]] | None:
    """Return the draft's answers as stored, by criterion id, without building objects.

    From the latest revision's content; None when the disclosure has no revision
    (read its objects with :func:`disclosure_draft` instead).
    """
    if disclosure is None:
        return {}
    if not disclosure.latest_revision_id:
        return None
    content = disclosure.latest_revision.content
    return {int(a["criterion"]): a for a in content.get("answers") or []}


def criteria_by_domain(*, criteria: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Group criteria (already in domain order) by domain: ``[(domain, [criterion])]``."""
    return [
        (domain, list(items))
        for domain, items in groupby(criteria, key=lambda c: c.domain)
    ]


def draft_review(*, product: Product, draft: Disclosure | None) -> DraftReview:
    """Compare ``draft`` (None: nothing drafted) with the latest published version."""
    if draft is None:
        answers: dict[str, Any] = {}
        scales: dict[str, Any] = {}
        coverage = {"applicable": len(applicable_criteria(product=product))}
        coverage |= {"answered": 0, "not_applicable": 0, "disclosed": 0}
    else:
        snapshot = disclosure_snapshot(disclosure=draft)
        answers, scales, coverage = snapshot.answers, snapshot.scales, snapshot.coverage
    published = disclosure_version_latest(product=product)
    changes = changelog_between(
        old_answers=published.answers if published else {},
        old_scales=published.scales if published else {},
        new_answers=answers,
        new_scales=scales,
    )
    return DraftReview(
        coverage=coverage,
        changes=changes,
        summary=changelog_summary(changes),
        published_number=published.number if published else None,
    )


def draft_preview_version(
    *, product: Product, draft: Disclosure | None
) -> DisclosureVersion:
    """Return ``draft`` as an unsaved version numbered after the published one.

    What the product page would show once a moderator approves the draft; never saved.
    """
    published = disclosure_version_latest(product=product)
    if draft is None:
        answers: dict[str, Any] = {}
        scales: dict[str, Any] = {}
        coverage: dict[str, int] = {}
    else:
        snapshot = disclosure_snapshot(disclosure=draft)
        answers, scales, coverage = snapshot.answers, snapshot.scales, snapshot.coverage
    return DisclosureVersion(
        product=product,
        number=(published.number if published else 0) + 1,
        published_at=timezone.now(),
        answers=answers,
        scales=scales,
        coverage=coverage,
    )


def disclosures_awaiting_review(*, viewer: Any) -> QuerySet[Disclosure]:
    """Return the disclosures in review that ``viewer`` may review (moderators: all)."""
    none: QuerySet[Disclosure] = Disclosure.objects.none()
    if not permissions.can_review_disclosure(viewer):
        return none
    content_type = ContentType.objects.get_for_model(Disclosure)
    ids = WorkflowState.objects.filter(
        base_content_type=content_type, status=WorkflowState.STATUS_IN_PROGRESS
    ).values_list("object_id", flat=True)
    awaiting: QuerySet[Disclosure] = (
        Disclosure.objects.filter(pk__in=[int(pk) for pk in ids])
        .select_related("product__organisation")
        .order_by("product__name")
    )
    return awaiting


def disclosures_awaiting_review_count(*, viewer: Any) -> int:
    """Return how many disclosures wait for ``viewer``'s review (one query; 0 for others)."""
    if not permissions.can_review_disclosure(viewer):
        return 0
    content_type = ContentType.objects.get_for_model(Disclosure)  # cached per process
    count: int = WorkflowState.objects.filter(
        base_content_type=content_type, status=WorkflowState.STATUS_IN_PROGRESS
    ).count()
    return count


def disclosure_last_rejection(*, disclosure: Disclosure) -> TaskState | None:
    """Return the moderator's rejection the representative still has to act on, or None."""
    state = disclosure.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_NEEDS_CHANGES:
        return None
    return (
        TaskState.objects.filter(workflow_state=state, status=TaskState.STATUS_REJECTED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )


def disclosure_submitted_draft(*, disclosure: Disclosure) -> Disclosure:
    """Return the revision in review as an object (the latest one if none is found)."""
    task_state = disclosure.current_workflow_task_state
    revision = task_state.revision if task_state is not None else None
    if revision is None:
        draft = disclosure_draft(disclosure=disclosure)
        assert draft is not None  # noqa: S101 - a disclosure always gives a draft
        return draft
    return _revision_object(disclosure, revision)


def _revision_object(disclosure: Disclosure, revision: Revision) -> Disclosure:
    """Return ``revision`` of ``disclosure`` as an object, in a constant number of queries.

    Like ``Revision.as_object()`` without its one query per foreign key of every answer
    (``check_fks``): criteria are protected from deletion, and a roadmap item deleted
    since is dropped from the answer here.
    """
    draft: Disclosure = Disclosure.from_serializable_data(
        revision.content, check_fks=False
    )
    draft.pk = disclosure.pk
    draft.latest_revision = disclosure.latest_revision
    draft.product = disclosure.product
    roadmap_ids = set(
        RoadmapItem.objects.filter(product_id=disclosure.product_id).values_list(
            "pk", flat=True
        )
    )
    for answer in draft.answers.all():
        if answer.roadmap_item_id not in roadmap_ids:
            answer.roadmap_item_id = None
    return draft

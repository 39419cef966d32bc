"""Reads of products, published disclosure versions, changelogs and roadmaps.

Public reads go through :class:`~vendors.models.DisclosureVersion` rows of disclosures
that are live: drafts, pending revisions and the Answer rows are never public. Admin
reads (``*_for_editor``) take the viewer and apply ``vendors.permissions``.
PAGES may add display selectors in ``vendors/selectors_public.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from vendors import permissions
from vendors.models import (
    DEFAULT_STALE_AFTER_MONTHS,
    AnswerStatus,
    Disclosure,
    DisclosureSettings,
    DisclosureVersion,
    Product,
    RoadmapItem,
    RoadmapStatus,
    RoadmapStatusChange,
)
from vendors.services.changelog import AnswerChange, changelog_between
from vendors.services.snapshots import applicable_criteria

# ----------------------------------------------------------------- published versions


def product_list_published() -> QuerySet[Product]:
    """Return products whose disclosure is published, with their organisation."""
    return (
        Product.objects.filter(disclosure__live=True)
        .select_related("organisation", "disclosure")
        .order_by("name", "pk")
    )


def disclosure_version_list(*, product: Product) -> QuerySet[DisclosureVersion]:
    """Return ``product``'s published versions, newest first (none unless live)."""
    return DisclosureVersion.objects.filter(
        product=product, disclosure__live=True
    ).order_by("-number")


def disclosure_version_latest(*, product: Product) -> DisclosureVersion | None:
    """Return what the public sees for ``product`` now, or None."""
    return disclosure_version_list(product=product).first()


def disclosure_version_get(
    *, product: Product, number: int
) -> DisclosureVersion | None:
    """Return published version ``number`` of ``product``, or None."""
    return disclosure_version_list(product=product).filter(number=number).first()


def disclosure_versions_latest_for(
    *, product_ids: list[int]
) -> dict[int, DisclosureVersion]:
    """Return the latest published version per product id (one query, for comparisons)."""
    rows = (
        DisclosureVersion.objects.filter(
            product_id__in=product_ids, disclosure__live=True
        )
        .order_by("product_id", "-number")
        .select_related("product__organisation")
    )
    latest: dict[int, DisclosureVersion] = {}
    for version in rows:
        latest.setdefault(version.product_id, version)
    return latest


def disclosure_changelog(
    *, product: Product, from_number: int | None = None, to_number: int | None = None
) -> list[AnswerChange]:
    """Return what changed between two published versions of ``product``.

    Defaults: ``to_number`` the latest, ``from_number`` the one before it. An empty
    list when either version does not exist or is not public. Version 1 compared
    with "nothing" lists every disclosed answer as newly disclosed (from_number=0).
    """
    versions = disclosure_version_list(product=product)
    new = (
        versions.filter(number=to_number).first()
        if to_number is not None
        else versions.first()
    )
    if new is None:
        return []
    wanted_old = new.number - 1 if from_number is None else from_number
    if wanted_old == 0:
        old_answers: dict[str, Any] = {}
        old_scales: dict[str, Any] = {}
    else:
        old = versions.filter(number=wanted_old).first()
        if old is None:
            return []
        old_answers, old_scales = old.answers, old.scales
    return changelog_between(
        old_answers=old_answers,
        old_scales=old_scales,
        new_answers=new.answers,
        new_scales=new.scales,
    )


# ----------------------------------------------------------------- freshness


def stale_after_months() -> int:
    """Return the freshness window in months (moderators set it in the admin)."""
    settings_row = DisclosureSettings.objects.only("stale_after_months").first()
    return (
        settings_row.stale_after_months if settings_row else DEFAULT_STALE_AFTER_MONTHS
    )


def stale_cutoff(*, today: dt.date | None = None, months: int | None = None) -> dt.date:
    """Return the date before which an answer's ``as_of`` makes it stale."""
    today = today or timezone.localdate()
    months = stale_after_months() if months is None else months
    total = today.year * 12 + today.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    day = min(today.day, _days_in_month(year, month))
    return dt.date(year, month, day)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def answer_is_stale(*, answer: dict[str, Any], cutoff: dt.date) -> bool:
    """Return whether an answered snapshot record was last confirmed before ``cutoff``."""
    if answer.get("status") != AnswerStatus.ANSWERED:
        return False
    as_of = answer.get("as_of")
    return bool(as_of) and dt.date.fromisoformat(str(as_of)) < cutoff


@dataclass(frozen=True)
class Coverage:
    """Counts of one version: "41 of 52 disclosed" is ``disclosed`` of ``applicable``."""

    applicable: int
    disclosed: int
    answered: int
    not_applicable: int
    not_disclosed: int
    stale: int


def version_coverage(
    *,
    version: DisclosureVersion,
    today: dt.date | None = None,
    months: int | None = None,
) -> Coverage:
    """Return the coverage of ``version``, stale answers counted as of ``today``."""
    cutoff = stale_cutoff(today=today, months=months)
    counts = version.coverage
    return Coverage(
        applicable=counts.get("applicable", 0),
        disclosed=counts.get("disclosed", 0),
        answered=counts.get("answered", 0),
        not_applicable=counts.get("not_applicable", 0),
        not_disclosed=counts.get("not_disclosed", 0),
        stale=sum(
            answer_is_stale(answer=a, cutoff=cutoff) for a in version.answers.values()
        ),
    )


# ----------------------------------------------------------------- roadmap


def roadmap_item_list(*, product: Product) -> QuerySet[RoadmapItem]:
    """Return ``product``'s roadmap (public), with criteria and dated status history."""
    return (
        RoadmapItem.objects.filter(product=product)
        .prefetch_related(
            "criteria",
            Prefetch(
                "status_changes",
                queryset=RoadmapStatusChange.objects.order_by("changed_at", "pk"),
            ),
        )
        .order_by("target_date", "target_quarter", "title", "pk")
    )


@dataclass(frozen=True)
class NeedsUpdate:
    """An answer to revisit because a roadmap item linked to it has shipped."""

    item: RoadmapItem
    criterion_code: str
    answer_as_of: dt.date | None


def roadmap_needs_update(*, product: Product) -> list[NeedsUpdate]:
    """Return the answers to update after shipped roadmap items of ``product``.

    An answer needs an update when a shipped item is linked to its criterion (through
    the item's criteria or the answer's roadmap link) and the latest draft's answer
    was confirmed (``as_of``) before the item shipped, or is missing.
    """
    shipped = list(
        RoadmapItem.objects.filter(product=product, status=RoadmapStatus.SHIPPED)
        .prefetch_related("criteria")
        .order_by("status_changed_at", "pk")
    )
    if not shipped:
        return []
    disclosure = Disclosure.objects.filter(product=product).first()
    draft = disclosure.get_latest_revision_as_object() if disclosure else None
    answers = {a.criterion_id: a for a in draft.answers.all()} if draft else {}
    codes = {c.pk: c.code for c in applicable_criteria(product=product)}
    out: list[NeedsUpdate] = []
    for item in shipped:
        shipped_on = timezone.localdate(item.status_changed_at)
        linked = {c.pk for c in item.criteria.all()} | {
            cid for cid, a in answers.items() if a.roadmap_item_id == item.pk
        }
        for criterion_id in sorted(linked & set(codes), key=codes.__getitem__):
            answer = answers.get(criterion_id)
            as_of = answer.as_of if answer is not None else None
            if as_of is None or as_of < shipped_on:
                out.append(NeedsUpdate(item, codes[criterion_id], as_of))
    return out


# ----------------------------------------------------------------- admin (editors)


def products_for_editor(*, viewer: Any) -> QuerySet[Product]:
    """Return the products ``viewer`` may edit (reps: their vendors'; moderators: community)."""
    return (
        Product.objects.filter(permissions.editable_products_q(viewer))
        .select_related("organisation")
        .order_by("name", "pk")
    )


def disclosures_for_admin(*, viewer: Any) -> QuerySet[Disclosure]:
    """Return the disclosures ``viewer`` sees in the admin (moderators: all)."""
    qs: QuerySet[Disclosure] = Disclosure.objects.select_related(
        "product__organisation", "latest_revision"
    )
    if permissions.can_review_disclosure(viewer):
        return qs
    return qs.filter(permissions.editable_products_q(viewer, prefix="product__"))


def roadmap_items_for_admin(*, viewer: Any) -> QuerySet[RoadmapItem]:
    """Return the roadmap items ``viewer`` may manage in the admin (their products')."""
    qs = RoadmapItem.objects.select_related("product__organisation")
    return qs.filter(permissions.editable_products_q(viewer, prefix="product__"))


def criteria_for_product(*, product: Product) -> list[Any]:
    """Return the current criteria that apply to ``product`` (core + type module)."""
    return applicable_criteria(product=product)

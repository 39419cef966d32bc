"""Vendors' part of the digest: disclosure and roadmap changes of followed vendors.

Registered into :data:`cop.core.digest.digest_sections` in ``VendorsConfig.ready()``.
Only public data is used (live disclosures' published versions and the public
roadmap), so what a member may see does not depend on who they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.core.digest import DigestFollows, DigestItem, DigestRequest, DigestSection
from vendors.models import DisclosureVersion, Product, RoadmapStatusChange
from vendors.models.choices import RoadmapStatus
from vendors.services.changelog import changelog_between, changelog_summary

__all__ = ["build_vendor_section"]

_DIRECTION_LABELS = {
    "improved": gettext_lazy("improved"),
    "regressed": gettext_lazy("regressed"),
    "mixed": gettext_lazy("mixed"),
    "newly_disclosed": gettext_lazy("newly disclosed"),
    "no_longer_disclosed": gettext_lazy("no longer disclosed"),
    "changed": gettext_lazy("changed"),
}


def _follows_product(follows: DigestFollows, product_id: int, org_id: int) -> bool:
    """Return whether a member follows a product (directly or via its vendor), unmuted."""
    if (
        product_id in follows.muted_product_ids
        or org_id in follows.muted_organisation_ids
    ):
        return False
    return product_id in follows.product_ids or org_id in follows.organisation_ids


def build_vendor_section(
    *, requests: Sequence[DigestRequest], limit: int
) -> dict[int, DigestSection]:
    """Return, by member ID, the disclosure and roadmap changes of products they follow.

    A product is followed directly or through its vendor; muted products and vendors
    are left out; each member gets the changes of their own period. Four queries
    for the whole batch (the union of what its members follow), whatever the number
    of members and changes; the rest is filtered in memory.
    """
    product_ids: set[int] = set()
    org_ids: set[int] = set()
    wanted = []
    for request in requests:
        follows = request.follows
        if (follows.product_ids - follows.muted_product_ids) or (
            follows.organisation_ids - follows.muted_organisation_ids
        ):
            wanted.append(request)
            product_ids |= follows.product_ids
            org_ids |= follows.organisation_ids
    if not wanted:
        return {}
    start = min(request.period_start for request in wanted)
    end = max(request.period_end for request in wanted)
    followed = Q(product_id__in=sorted(product_ids)) | Q(
        product__organisation_id__in=sorted(org_ids)
    )
    versions = list(
        DisclosureVersion.objects.filter(
            followed,
            published_at__gte=start,
            published_at__lt=end,
            disclosure__live=True,
        )
        .select_related("product__organisation")
        .order_by("-published_at", "-pk")
    )
    version_items = _disclosure_items(versions)
    changes = list(
        RoadmapStatusChange.objects.filter(
            _prefix_q(followed, "item__"), changed_at__gte=start, changed_at__lt=end
        )
        .select_related("item__product__organisation")
        .order_by("-changed_at", "-pk")
    )
    change_items = [_roadmap_item(change) for change in changes]
    more_url = f"{settings.SITE_URL}{reverse('vendors:directory')}"
    sections = {}
    for request in wanted:
        follows, lo, hi = request.follows, request.period_start, request.period_end
        mine = [
            item
            for version, item in zip(versions, version_items, strict=True)
            if lo <= version.published_at < hi
            and _follows_product(
                follows, version.product_id, version.product.organisation_id
            )
        ]
        mine += [
            item
            for change, item in zip(changes, change_items, strict=True)
            if lo <= change.changed_at < hi
            and _follows_product(
                follows, change.item.product_id, change.item.product.organisation_id
            )
        ]
        if not mine:
            continue
        mine.sort(key=lambda item: item.when or hi, reverse=True)
        sections[request.viewer.pk] = DigestSection(
            key="vendors",
            heading=_("Vendors you follow"),
            items=mine[:limit],
            total=len(mine),
            more_url=more_url,
        )
    return sections


def _prefix_q(q: Q, prefix: str) -> Q:
    """Return ``q`` with every lookup prefixed (to reuse a filter over a relation)."""
    clone = Q()
    clone.connector, clone.negated = q.connector, q.negated
    clone.children = [
        _prefix_q(child, prefix)
        if isinstance(child, Q)
        else (f"{prefix}{child[0]}", child[1])  # type: ignore[index]  # a (lookup, value) pair
        for child in q.children
    ]
    return clone


def _product_url(product: Product, name: str) -> str:
    path = reverse(
        f"vendors:{name}",
        kwargs={
            "vendor_slug": product.organisation.slug,
            "product_slug": product.slug,
        },
    )
    return f"{settings.SITE_URL}{path}"


def _disclosure_items(versions: list[DisclosureVersion]) -> list[DigestItem]:
    """Summarise each new version against the one before it (one query for all)."""
    if not versions:
        return []
    wanted = Q(pk__in=[])
    for version in versions:
        wanted |= Q(disclosure_id=version.disclosure_id, number=version.number - 1)
    previous = {
        (row.disclosure_id, row.number): row
        for row in DisclosureVersion.objects.filter(wanted).only(
            "disclosure_id", "number", "answers", "scales"
        )
    }
    items = []
    for version in versions:
        before = previous.get((version.disclosure_id, version.number - 1))
        changes = changelog_between(
            old_answers=before.answers if before else {},
            old_scales=before.scales if before else {},
            new_answers=version.answers or {},
            new_scales=version.scales or {},
        )
        counts = changelog_summary(changes)
        note = ", ".join(
            f"{count} {_DIRECTION_LABELS.get(direction, direction)}"
            for direction, count in counts.items()
            if count
        )
        items.append(
            DigestItem(
                title=_("%(product)s (%(vendor)s): disclosure version %(number)s")
                % {
                    "product": version.product.name,
                    "vendor": version.product.organisation.name,
                    "number": version.number,
                },
                url=_product_url(version.product, "product_changelog"),
                note=note or _("no answer changed"),
                when=version.published_at,
            )
        )
    return items


def _roadmap_item(change: RoadmapStatusChange) -> DigestItem:
    product = change.item.product
    labels = dict(RoadmapStatus.choices)
    old = (
        labels.get(change.from_status, change.from_status) if change.from_status else ""
    )
    new = labels.get(change.to_status, change.to_status)
    return DigestItem(
        title=_("%(product)s roadmap: %(title)s")
        % {"product": product.name, "title": change.item.title},
        url=f"{_product_url(product, 'product_detail')}#roadmap",
        note=f"{old} → {new}" if old else str(new),
        when=change.changed_at,
    )

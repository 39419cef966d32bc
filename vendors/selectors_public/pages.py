"""Reads behind the public vendor pages: directory, vendor, product, changelog.

Everything here is built from *published* data only: the latest
:class:`~vendors.models.DisclosureVersion` of a live disclosure (through
:mod:`vendors.selectors`), never from the ``Answer`` rows that hold drafts. Each
function runs a fixed number of queries, however many products, answers, versions or
roadmap items there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.db.models import OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from cop.core.prepared import PreparedQuery
from cop.members.models import Organisation
from cop.members.services.representation import verified_representatives
from cop.privacy.models import Criterion
from vendors import selectors
from vendors.models import DisclosureVersion, Product
from vendors.selectors import Coverage
from vendors.selectors_public.answers import AnswerView, answer_view
from vendors.services.changelog import (
    AnswerChange,
    changelog_between,
    changelog_summary,
)

#: Organisation kinds whose products are listed (vendors, and cop itself).
PRODUCT_OWNER_KINDS = ("vendor", "community")


@dataclass
class ProductSummary:
    """A product in a listing, with its latest published version (if any)."""

    product: Product
    version: DisclosureVersion | None
    coverage: Coverage | None


def stale_before(today: date | None = None) -> date:
    """Return the date before which an answer counts as stale (one settings read)."""
    return selectors.stale_cutoff(today=today)


def coverage_of(version: DisclosureVersion, *, cutoff: date) -> Coverage:
    """Return the coverage of a published version, counting stale answers (no query)."""
    counts = version.coverage or {}
    return Coverage(
        applicable=int(counts.get("applicable", 0)),
        disclosed=int(counts.get("disclosed", 0)),
        answered=int(counts.get("answered", 0)),
        not_applicable=int(counts.get("not_applicable", 0)),
        not_disclosed=int(counts.get("not_disclosed", 0)),
        stale=sum(
            selectors.answer_is_stale(answer=record, cutoff=cutoff)
            for record in (version.answers or {}).values()
        ),
    )


def _summaries(products: Sequence[Product]) -> list[ProductSummary]:
    versions = selectors.disclosure_versions_latest_for(
        product_ids=[p.pk for p in products]
    )
    cutoff = stale_before() if versions else timezone.localdate()
    return [
        ProductSummary(
            product=p,
            version=versions.get(p.pk),
            coverage=coverage_of(versions[p.pk], cutoff=cutoff)
            if p.pk in versions
            else None,
        )
        for p in products
    ]


def vendor_queryset() -> QuerySet[Organisation]:
    """Return the organisations that may offer products, with their products."""
    return (
        Organisation.objects.filter(kind__in=PRODUCT_OWNER_KINDS)
        .prefetch_related(
            Prefetch("products", queryset=Product.objects.order_by("name"))
        )
        .order_by("name")
    )


def vendor_list() -> QuerySet[Organisation]:
    """Return the organisations that offer at least one product."""
    return vendor_queryset().filter(products__isnull=False).distinct()


def directory() -> list[tuple[Organisation, list[ProductSummary]]]:
    """Return every vendor with its products and their published coverage."""
    vendors = list(vendor_list())
    summaries = _summaries([p for v in vendors for p in v.products.all()])
    by_product = {s.product.pk: s for s in summaries}
    return [(v, [by_product[p.pk] for p in v.products.all()]) for v in vendors]


def vendor_get(*, slug: str) -> Organisation | None:
    """Return the vendor (or community) organisation ``slug``, or None.

    ``has_representative``: whether a verified representative speaks for it now.
    """
    return (
        vendor_queryset()
        .annotate(has_representative=verified_representatives(OuterRef("pk")))
        .filter(slug=slug)
        .first()
    )


def vendor_products(*, vendor: Organisation) -> list[ProductSummary]:
    """Return the vendor's products with their published coverage."""
    return _summaries(list(vendor.products.all()))


def _product_by_slugs(vendor_slug: str, product_slug: str) -> QuerySet[Product]:
    return (
        Product.objects.select_related("organisation")
        .filter(
            organisation__slug=vendor_slug,
            organisation__kind__in=PRODUCT_OWNER_KINDS,
            slug=product_slug,
        )
        .order_by("pk")
    )


# Every product page reads its product this way: compiled once per process.
_PRODUCT_BY_SLUGS = PreparedQuery(
    _product_by_slugs,
    vendor_slug="cop-prepared-vendor-slug-slot",
    product_slug="cop-prepared-product-slug-slot",
)


def product_get(*, vendor_slug: str, product_slug: str) -> Product | None:
    """Return the product ``product_slug`` of vendor ``vendor_slug``, or None."""
    product = _PRODUCT_BY_SLUGS.first(
        vendor_slug=vendor_slug, product_slug=product_slug
    )
    return cast("Product | None", product)


def products_by_keys(*, keys: Sequence[str]) -> dict[str, Product]:
    """Return the products named by ``vendor/product`` keys (unknown keys left out)."""
    query = Q()
    for key in keys:
        vendor_slug, _, product_slug = key.partition("/")
        query |= Q(organisation__slug=vendor_slug, slug=product_slug)
    if not keys:
        return {}
    products = Product.objects.select_related("organisation").filter(
        query, organisation__kind__in=PRODUCT_OWNER_KINDS
    )
    return {product_key(p): p for p in products}


def product_key(product: Product) -> str:
    """Return the public key of a product: ``<vendor slug>/<product slug>``."""
    return f"{product.organisation.slug}/{product.slug}"


def criteria_details(codes: Sequence[str]) -> dict[str, Criterion]:
    """Return the criteria ``codes`` (retired ones too) with their domain; one query."""
    rows = (
        Criterion.objects.select_related("domain")
        .filter(code__in=codes)
        .only("code", "summary", "scale", "order", "domain__code", "domain__order")
    )
    return {c.code: c for c in rows}


def answer_views(
    version: DisclosureVersion, *, cutoff: date, criteria: dict[str, Criterion]
) -> list[AnswerView]:
    """Return every answer of a published version, in criterion order."""
    scales = version.scales or {}
    views = []
    for code, record in (version.answers or {}).items():
        criterion = criteria.get(code)
        views.append(
            answer_view(
                code=code,
                record=record,
                scale=scales.get(code, {}),
                summary=criterion.summary if criterion else "",
                spec=criterion.scale if criterion else {},
                stale_before=cutoff,
            )
        )

    def order(view: AnswerView) -> tuple[int, int, str]:
        criterion = criteria.get(view.code)
        if criterion is None:
            return (10**6, 0, view.code)
        return (criterion.domain.order, criterion.order, view.code)

    return sorted(views, key=order)


def changes_between(
    old: DisclosureVersion, new: DisclosureVersion
) -> list[AnswerChange]:
    """Return the answer changes from ``old`` to ``new`` (pure; no query)."""
    return changelog_between(
        old_answers=old.answers or {},
        old_scales=old.scales or {},
        new_answers=new.answers or {},
        new_scales=new.scales or {},
    )


@dataclass
class ChangelogEntry:
    """The changes one publish made, against the version before it."""

    version: DisclosureVersion
    previous: DisclosureVersion | None
    changes: list[AnswerChange]

    @property
    def summary(self) -> dict[str, int]:
        """Return the number of changes per direction."""
        return changelog_summary(self.changes)


def changelog(*, product: Product) -> list[ChangelogEntry]:
    """Return every published version, newest first, with its changes (one query)."""
    versions = list(selectors.disclosure_version_list(product=product))
    entries = []
    for index, version in enumerate(versions):
        previous = versions[index + 1] if index + 1 < len(versions) else None
        changes = changes_between(previous, version) if previous else []
        entries.append(ChangelogEntry(version, previous, changes))
    return entries

"""Builders for the public page, export and API tests: published disclosures.

Import with ``from tests.vendors.public_support import *`` (brings the disclosure
fixtures of ``tests.vendors.disclosure_fixtures`` and the role fixtures too).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cop.privacy.models import Criterion
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import __all__ as _fixtures_all
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services
from vendors.models import Disclosure, Product, RoadmapItem
from vendors.services.snapshots import applicable_criteria

__all__ = [
    *_fixtures_all,
    "draft",
    "ordinal_codes",
    "product_url",
    "publish",
    "published_a",
    "roadmap_item",
]


def product_url(product: Product) -> str:
    """Return the public page of ``product``."""
    return reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": product.organisation.slug, "product_slug": product.slug},
    )


def ordinal_codes(product: Product, count: int | None = None) -> list[str]:
    """Return the codes of ordinal criteria that apply to ``product`` (in order)."""
    codes = [
        c.code
        for c in applicable_criteria(product=product)
        if c.scale_kind == "ordinal"
    ]
    return codes[:count] if count is not None else codes


def draft(product: Product, rep: Any, answers: list[dict[str, Any]]) -> Disclosure:
    """Save ``answers`` as the draft of ``product``'s disclosure (created if needed)."""
    disclosure = Disclosure.objects.filter(product=product).first()
    if disclosure is None:
        disclosure = services.disclosure_create(product=product, actor=rep)
    services.disclosure_save_draft(disclosure=disclosure, actor=rep, answers=answers)
    return Disclosure.objects.get(pk=disclosure.pk)


def publish(
    product: Product, rep: Any, moderator: Any, answers: list[dict[str, Any]]
) -> Disclosure:
    """Draft ``answers`` as ``rep`` and publish them as ``moderator``: a new version."""
    disclosure = draft(product, rep, answers)
    services.disclosure_publish(disclosure=disclosure, actor=moderator)
    return Disclosure.objects.get(pk=disclosure.pk)


def roadmap_item(product: Product, rep: Any, **fields: Any) -> RoadmapItem:
    """Create a roadmap item through the service (dated status history included)."""
    fields.setdefault("title", "Shorter retention")
    return services.roadmap_item_create(product=product, actor=rep, **fields)


@pytest.fixture
def published_a(product_a: Product, vendor_rep_a: Any, moderator: Any) -> Product:
    """``product_a`` with one published version: 3 ordinal answers, the rest gaps."""
    codes = ordinal_codes(product_a, 3)
    publish(product_a, vendor_rep_a, moderator, [answer_for(c, 0) for c in codes])
    return product_a


def criterion(code: str) -> Criterion:
    return Criterion.objects.get(code=code)

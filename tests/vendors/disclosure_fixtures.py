"""Fixtures and builders for the disclosure, workflow and roadmap tests.

Import what a module needs: ``from tests.vendors.disclosure_fixtures import *``
(also brings the role fixtures of ``tests.roles``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from cop.members.models import Organisation
from cop.privacy.models import Criterion
from cop.privacy.services import reference_data_load
from tests.factories import OrganisationFactory
from tests.roles import *  # noqa: F403
from tests.roles import __all__ as _roles_all
from vendors.models import Product
from vendors.services.snapshots import applicable_criteria

__all__ = [
    *_roles_all,
    "answer_for",
    "answers_for",
    "community_product",
    "criteria",
    "product_a",
    "product_b",
]


@pytest.fixture
def criteria(db: Any) -> None:
    """The shipped privacy reference data (criteria and options) in the test database."""
    reference_data_load()


@pytest.fixture
def product_a(criteria: None, vendor_a: Organisation) -> Product:
    return Product.objects.create(
        organisation=vendor_a, name="Stacks", slug="stacks", product_type="lms"
    )


@pytest.fixture
def product_b(criteria: None, vendor_b: Organisation) -> Product:
    return Product.objects.create(
        organisation=vendor_b, name="Finder", slug="finder", product_type="discovery"
    )


@pytest.fixture
def community_product(criteria: None) -> Product:
    org = OrganisationFactory(kind=Organisation.Kind.COMMUNITY, slug="cop-community")
    return Product.objects.create(
        organisation=org, name="cop platform", slug="cop-platform", product_type="other"
    )


def valid_value(criterion: Criterion, pick: int = 0) -> Any:
    """Return a valid answer value of ``criterion`` using its ``pick``-th option."""
    keys = [o.key for o in criterion.options.order_by("rank")]
    key = keys[min(pick, len(keys) - 1)]
    kind = criterion.scale_kind
    if kind == "multi":
        return [key]
    if kind == "table":
        rows = criterion.scale.get("rows") or [{"key": "main_feature"}]
        return {rows[0]["key"]: {"option": key}}
    if kind == "list":
        return {"option": key, "entries": []}
    return key


def answer_for(code: str, pick: int = 0, **overrides: Any) -> dict[str, Any]:
    """Return a complete, valid answered record for criterion ``code``."""
    criterion = Criterion.objects.get(code=code)
    data: dict[str, Any] = {
        "criterion": code,
        "status": "answered",
        "value": valid_value(criterion, pick),
        "configurability": "fixed_by_vendor",
        "basis": "public_policy",
        "as_of": timezone.localdate() - dt.timedelta(days=10),
        "evidence": [
            {
                "url": "https://vendor.example/privacy",
                "document_type": "privacy_policy",
                "section": "2",
                "excerpt": "We do not sell data.",
            }
        ],
    }
    data.update(overrides)
    return data


def answers_for(product: Product, pick: int = 0) -> list[dict[str, Any]]:
    """Return a valid answered record for every criterion that applies to ``product``."""
    return [answer_for(c.code, pick) for c in applicable_criteria(product=product)]

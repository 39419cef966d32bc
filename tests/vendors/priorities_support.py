"""Builders for the priorities tests: libraries with a worker each, and their votes.

``from tests.vendors.priorities_support import *`` also brings the disclosure and role
fixtures (``product_a``, ``library_worker`` ...).
"""

from __future__ import annotations

from typing import Any

from cop.members.models import Organisation
from cop.privacy.models import Criterion
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import __all__ as _fixtures_all
from vendors import services
from vendors.models import Product

__all__ = [*_fixtures_all, "criteria_of", "libraries", "vote"]


def libraries(count: int, prefix: str = "lib") -> list[tuple[Organisation, Any]]:
    """Create ``count`` libraries, each with one verified worker; return the pairs."""
    made = []
    for n in range(count):
        org = OrganisationFactory(
            kind=Organisation.Kind.LIBRARY, name=f"{prefix} {n}", slug=f"{prefix}-{n}"
        )
        worker = UserFactory(email=f"{prefix}{n}@libraries.example")
        MembershipFactory(user=worker, organisation=org)
        made.append((org, worker))
    return made


def criteria_of(product: Product, count: int) -> list[Criterion]:
    """Return the first ``count`` criteria a library may choose for ``product``."""
    return services.criteria_for_scope(product=product)[:count]


def vote(
    pair: tuple[Organisation, Any],
    criteria: list[Criterion],
    *,
    product: Product | None = None,
    product_type: str = "",
) -> None:
    """Set ``criteria`` as the library's priorities through the service."""
    org, worker = pair
    services.priorities_set(
        actor=worker,
        organisation=org,
        criteria=criteria,
        product=product,
        product_type=product_type,
    )

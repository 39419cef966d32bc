"""One person per role, and the organisations they belong to, for permission tests.

Import the fixtures you need into a test module (``from tests.roles import *``
brings them all). Elevated roles (admin, moderator, vendor representatives) get a
TOTP authenticator so that their rights apply; ``ROLES`` lists the role names in the
order the authorization tests use.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from cop.members.models import Membership, Organisation
from cop.members.permissions import MODERATORS_GROUP
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TotpAuthenticatorFactory,
    UserFactory,
)

ROLES = (
    "anonymous",
    "library_worker",
    "vendor_rep_a",
    "vendor_rep_b",
    "moderator",
    "admin",
)

__all__ = [
    "ROLES",
    "admin",
    "library",
    "library_worker",
    "moderator",
    "people",
    "vendor_a",
    "vendor_b",
    "vendor_rep_a",
    "vendor_rep_b",
]


@pytest.fixture
def library(db: Any) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.LIBRARY,
        name="Riverside Public Library",
        slug="riverside",
        email_domains=["riverside-library.example"],
    )


@pytest.fixture
def vendor_a(db: Any) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.VENDOR,
        name="Vendor A",
        slug="vendor-a",
        email_domains=["vendor-a.example"],
    )


@pytest.fixture
def vendor_b(db: Any) -> Organisation:
    return OrganisationFactory(
        kind=Organisation.Kind.VENDOR,
        name="Vendor B",
        slug="vendor-b",
        email_domains=["vendor-b.example"],
    )


@pytest.fixture
def library_worker(library: Organisation) -> Any:
    user = UserFactory(email="worker@riverside-library.example")
    MembershipFactory(user=user, organisation=library)
    return user


def _rep(org: Organisation, email: str) -> Any:
    user = UserFactory(email=email)
    MembershipFactory(user=user, organisation=org, role=Membership.Role.REPRESENTATIVE)
    TotpAuthenticatorFactory(user=user)
    return user


@pytest.fixture
def vendor_rep_a(vendor_a: Organisation) -> Any:
    return _rep(vendor_a, "rep@vendor-a.example")


@pytest.fixture
def vendor_rep_b(vendor_b: Organisation) -> Any:
    return _rep(vendor_b, "rep@vendor-b.example")


@pytest.fixture
def moderator(db: Any) -> Any:
    user = UserFactory(email="moderator@cop.example")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    TotpAuthenticatorFactory(user=user)
    return user


@pytest.fixture
def admin(db: Any) -> Any:
    user = UserFactory(email="admin@cop.example", is_superuser=True, is_staff=True)
    TotpAuthenticatorFactory(user=user)
    return user


@pytest.fixture
def people(
    library_worker: Any,
    vendor_rep_a: Any,
    vendor_rep_b: Any,
    moderator: Any,
    admin: Any,
) -> dict[str, Any]:
    """Every role by name (``None`` for anonymous)."""
    return {
        "anonymous": None,
        "library_worker": library_worker,
        "vendor_rep_a": vendor_rep_a,
        "vendor_rep_b": vendor_rep_b,
        "moderator": moderator,
        "admin": admin,
    }

"""Tests for ``manage.py seed_demo`` and the seeders registered by the apps."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from cop.core.seeding import (
    LARGE_SCALE_TARGETS,
    SEED_ORDER_GUIDES,
    SEED_ORDER_MEMBERS,
    SEED_ORDER_VENDORS,
    seeders,
    totp_current_code,
)
from cop.guides.models import HomePage
from cop.guides.seeding import HOME_INTRO
from cop.members.models import Membership, Organisation, User
from cop.members.permissions import MODERATORS_GROUP
from vendors.models import Product

pytestmark = pytest.mark.django_db

ROLES = {
    "library@example.org": "library worker",
    "moderator@example.org": "moderator",
    "admin@example.org": "admin",
    "vendor-a@example.org": "vendor representative",
    "vendor-b@example.org": "vendor representative",
}
ELEVATED = ["moderator@example.org", "admin@example.org", "vendor-a@example.org", "vendor-b@example.org"]  # fmt: skip


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Count the rows of every concrete model of every installed app."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def printed_secret(output: str, email: str) -> str:
    match = re.search(
        rf"^\s*{re.escape(email)}\s.*\s([A-Z2-7]{{32}})\s*$", output, re.M
    )
    assert match, f"no TOTP secret printed for {email}"
    return match.group(1)


def test_seeders_registered_in_app_order():
    keys = [key for key, _ in seeders]
    assert keys[:3] == ["members", "vendors", "guides"]
    assert SEED_ORDER_MEMBERS < SEED_ORDER_VENDORS < SEED_ORDER_GUIDES


def test_seed_demo_run_twice_adds_no_rows():
    # given: one run
    seed()
    after_first = row_counts()
    # when
    output = seed()
    # then: no table grew or shrank, and the summary says so
    assert row_counts() == after_first
    summary = {line.split()[0]: line for line in output.splitlines() if line}
    for key, _ in seeders:
        assert "nothing new" in summary[key], summary[key]


def test_seed_demo_creates_organisations_and_products():
    seed()
    vendors = Organisation.objects.filter(kind=Organisation.Kind.VENDOR)
    assert vendors.count() >= 3
    for vendor in vendors:
        assert 1 <= vendor.products.count() <= 3
    assert set(Product.objects.values_list("product_type", flat=True)) >= {
        "lms",
        "discovery",
        "content",
    }
    # the two demo accounts' libraries, and the fictional libraries whose votes fill
    # the priorities pages ("Demo Voices Library 01"…)
    libraries = Organisation.objects.filter(kind=Organisation.Kind.LIBRARY)
    named = libraries.exclude(slug__startswith="demo-voices-")
    assert set(named.values_list("name", flat=True)) == {
        "Northfield University Library",
        "Riverbend Public Library",
    }
    assert all(library.email_domains for library in named)
    community = Organisation.objects.get(kind=Organisation.Kind.COMMUNITY)
    assert community.name == "cop community"
    assert list(community.products.values_list("name", flat=True)) == ["cop platform"]


def test_seed_demo_every_role_authenticates_with_demo_password(settings):
    seed()
    for email in ROLES:
        user = authenticate(email=email, password=settings.COP_DEMO_PASSWORD)
        assert user is not None, email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()
    library = User.objects.get(email="library@example.org")
    assert library.memberships.filter(
        status="verified", organisation__kind="library"
    ).exists()
    assert (
        User.objects.get(email="moderator@example.org")
        .groups.filter(name=MODERATORS_GROUP)
        .exists()
    )
    assert User.objects.get(email="admin@example.org").is_superuser


def test_seed_demo_vendor_reps_represent_different_vendors():
    seed()
    reps = Membership.objects.filter(
        user__email__in=["vendor-a@example.org", "vendor-b@example.org"],
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.VERIFIED,
        organisation__kind=Organisation.Kind.VENDOR,
    )
    assert reps.count() == 2
    assert len({rep.organisation_id for rep in reps}) == 2


def test_seed_demo_printed_totp_secret_yields_code_allauth_accepts():
    output = seed()
    for email in ELEVATED:
        # given: the secret as printed in the accounts table
        secret = printed_secret(output, email)
        authenticator = Authenticator.objects.get(
            user__email=email, type=Authenticator.Type.TOTP
        )
        # when: the current code is computed from it (allauth's own HOTP helpers)
        code = totp_current_code(secret)
        # then
        assert authenticator.wrap().validate_code(code), email
        assert f"otpauth://totp/{email.replace('@', '%40')}?secret={secret}" in output
    assert not Authenticator.objects.filter(user__email="library@example.org").exists()


def test_seed_demo_second_run_keeps_one_authenticator_per_account():
    seed()
    seed()
    for email in ELEVATED:
        assert Authenticator.objects.filter(user__email=email, type="totp").count() == 1


def test_seed_demo_output_lists_demo_accounts(settings):
    output = seed()
    for email, role in ROLES.items():
        line = next(
            line for line in output.splitlines() if line.strip().startswith(email)
        )
        assert role in line
        assert settings.COP_DEMO_PASSWORD in line
    assert "totp_current_code" in output


def test_seed_demo_publishes_home_page_text():
    seed()
    page = HomePage.objects.get()
    assert page.live
    assert page.intro == HOME_INTRO
    assert not page.has_unpublished_changes
    assert "<h2>" in page.body


def test_seed_demo_in_production_refuses_and_writes_nothing(settings):
    # given
    settings.COP_ENVIRONMENT = "production"
    before = row_counts()
    # when
    with pytest.raises(CommandError, match="refuses to run in production") as exc:
        seed()
    # then
    assert exc.value.returncode == 1
    assert row_counts() == before


def test_seed_demo_scale_large_creates_benchmark_users_idempotently(settings):
    # given: one large run
    output = seed("--scale", "large")
    after_first = row_counts()
    # then: the users the benchmarks need, all verified and affiliated
    assert User.objects.count() >= LARGE_SCALE_TARGETS["users"]
    bench = User.objects.filter(email__startswith="bench-user-")
    assert bench.count() == LARGE_SCALE_TARGETS["users"]
    assert (
        EmailAddress.objects.filter(user__in=bench, verified=True, primary=True).count()
        == bench.count()
    )
    memberships = Membership.objects.filter(user__in=bench, status="verified")
    assert memberships.count() == bench.count()
    assert memberships.values("organisation").distinct().count() > 2
    assert Organisation.objects.filter(kind=Organisation.Kind.VENDOR).count() == 18
    assert (
        authenticate(
            email="bench-user-0500@example.org", password=settings.COP_DEMO_PASSWORD
        )
        is not None
    )
    assert "seed_demo --scale large: done" in output
    # when: a second large run
    seed("--scale", "large")
    # then: nothing was added
    assert row_counts() == after_first

"""Used and expired invitations, with the address they went to, are purged in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from cop.members import services
from cop.members.models import AffiliationInvitation
from cop.privacy.services.retention import retention_enforce
from tests.factories import UserFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _invitation(moderator, organisation, email: str, **dates: dt.datetime):
    invitation, _token = services.invitation_create(
        actor=moderator, organisation=organisation, email=email
    )
    AffiliationInvitation.objects.filter(pk=invitation.pk).update(**dates)
    return invitation


def _ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_the_nightly_job_deletes_invitations_used_or_expired_past_the_period(
    settings, moderator, vendor_a
):
    # given: a retention of 30 days, and invitations on both sides of it
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "invitations": 30}
    accepter = UserFactory()
    old_used = _invitation(
        moderator,
        vendor_a,
        "old-used@vendor.example",
        accepted_at=_ago(31),
        accepted_by=accepter,
        expires_at=_ago(20),
    )
    old_expired = _invitation(
        moderator, vendor_a, "old-expired@vendor.example", expires_at=_ago(31)
    )
    recent_used = _invitation(
        moderator,
        vendor_a,
        "recent-used@vendor.example",
        accepted_at=_ago(29),
        accepted_by=accepter,
        expires_at=_ago(40),  # accepted in time, counted from acceptance
    )
    recent_expired = _invitation(
        moderator, vendor_a, "recent-expired@vendor.example", expires_at=_ago(29)
    )
    still_open = _invitation(moderator, vendor_a, "open@vendor.example")
    AffiliationInvitation.objects.filter(pk=still_open.pk).update(created_at=_ago(90))

    # when
    deleted = retention_enforce()

    # then: the old ones are gone with their addresses; the rest stay
    assert deleted["invitations"] == 2
    remaining = set(AffiliationInvitation.objects.values_list("pk", flat=True))
    assert remaining == {recent_used.pk, recent_expired.pk, still_open.pk}
    assert not AffiliationInvitation.objects.filter(
        email__in=["old-used@vendor.example", "old-expired@vendor.example"]
    ).exists()
    assert {old_used.pk, old_expired.pk}.isdisjoint(remaining)
    assert retention_enforce()["invitations"] == 0  # idempotent


def test_the_purge_works_in_batches(settings, moderator, vendor_a):
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "invitations": 0}
    for n in range(3):
        _invitation(moderator, vendor_a, f"x{n}@vendor.example", expires_at=_ago(1))

    assert retention_enforce(batch_size=2)["invitations"] == 2
    assert retention_enforce(batch_size=2)["invitations"] == 1
    assert not AffiliationInvitation.objects.exists()


def test_the_privacy_policy_table_lists_the_invitations_period(settings):
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "invitations": 45}

    html = Template("{% load privacy_tags %}{% retention_table %}").render(Context())

    assert "Invitations to represent a vendor" in html
    assert "45 days" in html

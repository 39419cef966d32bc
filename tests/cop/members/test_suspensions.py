"""Suspending and reinstating members: sessions end, sign-in is refused, all audited."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cop.core.models import AuditEvent
from cop.members import services
from cop.members.models import MemberSession, Suspension
from tests.factories import UserFactory, VerifiedEmailAddressFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def _sign_in(email: str) -> Client:
    browser = Client()
    response = browser.post(
        reverse("account_login"),
        {"login": email, "password": settings.COP_DEMO_PASSWORD},
    )
    assert response.status_code == 302, response.content
    return browser


@pytest.fixture
def member():
    user = UserFactory(email="member@elsewhere.example")
    VerifiedEmailAddressFactory(user=user)
    return user


def test_suspend_ends_sessions_and_blocks_sign_in(client, member, moderator):
    # given: the member is signed in on two devices
    laptop = _sign_in(member.email)
    phone = _sign_in(member.email)
    assert laptop.get(reverse("members:affiliation_list")).status_code == 200
    assert MemberSession.objects.count() == 2
    # when: a moderator suspends them with a reason
    client.force_login(moderator)
    response = client.post(
        reverse("community:member_suspension", args=[member.pk]),
        {"reason": "Harassment in <b>#general</b>."},
    )
    # then
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is False
    suspension = Suspension.objects.get(user=member)
    assert (suspension.reason, suspension.started_by) == (
        "Harassment in <b>#general</b>.",
        moderator,
    )
    assert not UserSession.objects.filter(user=member).exists()
    remaining = [
        s.get_decoded().get("_auth_user_id") for s in MemberSession.objects.all()
    ]
    assert str(member.pk) not in remaining
    for device in (laptop, phone):
        page = device.get(reverse("members:affiliation_list"))
        assert page.status_code == 302
        assert reverse("account_login") in page["Location"]
    event = AuditEvent.objects.get(action="member.suspended", target_id=str(member.pk))
    assert (event.actor, event.reason) == (moderator, "Harassment in <b>#general</b>.")
    # and: signing in again shows the inactive-account page, not a session
    again = Client().post(
        reverse("account_login"),
        {"login": member.email, "password": settings.COP_DEMO_PASSWORD},
    )
    assert again.status_code == 302
    assert again["Location"] == reverse("account_inactive")


def test_unsuspend_lets_member_sign_in_again(client, member, moderator):
    services.member_suspend(actor=moderator, user=member, reason="Spam.")
    client.force_login(moderator)
    response = client.post(
        reverse("community:member_suspension", args=[member.pk]),
        {"reason": "Appeal accepted."},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_active is True
    suspension = Suspension.objects.get(user=member)
    assert suspension.ended_by == moderator
    assert suspension.end_reason == "Appeal accepted."
    event = AuditEvent.objects.get(
        action="member.unsuspended", target_id=str(member.pk)
    )
    assert event.actor == moderator
    _sign_in(member.email)


def test_suspend_without_reason_is_refused(client, member, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("community:member_suspension", args=[member.pk]), {"reason": " "}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.is_active is True


def test_suspend_twice_is_a_validation_error(member, moderator):
    from django.core.exceptions import ValidationError

    services.member_suspend(actor=moderator, user=member, reason="One.")
    with pytest.raises(ValidationError):
        services.member_suspend(actor=moderator, user=member, reason="Two.")
    assert Suspension.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", False),
        ("vendor_rep_a", False),
        ("vendor_rep_b", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_member_suspend_per_role(people, member, role, allowed):
    actor = people[role] or AnonymousUser()
    if allowed:
        services.member_suspend(actor=actor, user=member, reason="Rule 3.")
        member.refresh_from_db()
        assert member.is_active is False
    else:
        with pytest.raises(PermissionDenied):
            services.member_suspend(actor=actor, user=member, reason="Rule 3.")
        member.refresh_from_db()
        assert member.is_active is True


def test_moderator_cannot_suspend_admin_or_self(client, moderator, admin):
    client.force_login(moderator)
    for target in (moderator, admin):
        response = client.post(
            reverse("community:member_suspension", args=[target.pk]),
            {"reason": "x"},
        )
        assert response.status_code == 404
        target.refresh_from_db()
        assert target.is_active is True


def test_vendor_rep_cannot_reach_suspension_page(client, vendor_rep_a, member):
    client.force_login(vendor_rep_a)
    response = client.post(
        reverse("community:member_suspension", args=[member.pk]), {"reason": "x"}
    )
    assert response.status_code in {302, 403, 404}
    member.refresh_from_db()
    assert member.is_active is True

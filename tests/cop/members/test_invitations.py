"""Moderators invite a vendor's representative by e-mail; accepting verifies at once."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cop.core.models import AuditEvent
from cop.members import permissions, services
from cop.members.models import AffiliationInvitation, Membership
from cop.members.privacy import erase_invitations
from tests.factories import (
    TotpAuthenticatorFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db

ADMIN_URL = "/admin/community/invitations/"


def invite(client, moderator, org, email="sam@newvendor.example"):
    client.force_login(moderator)
    return client.post(
        ADMIN_URL, {"organisation": org.pk, "email": email, "message": "Welcome!"}
    )


def link_in_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S+/members/invitations/\S+/", body)
    assert match is not None, body
    return urlsplit(match.group(0)).path


def invitee(email="sam@newvendor.example"):
    user = UserFactory(email=email)
    VerifiedEmailAddressFactory(user=user)
    TotpAuthenticatorFactory(user=user)
    return user


def test_moderator_invites_and_the_invitee_becomes_a_verified_representative(
    client, moderator, vendor_a, django_capture_on_commit_callbacks
):
    # given: a moderator sends an invitation from the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, moderator, vendor_a)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["sam@newvendor.example"]
    assert "represent Vendor A" in mail.outbox[-1].subject
    url = link_in_mail()
    # when: the invitee opens the link signed in and accepts
    user = invitee()
    client.force_login(user)
    page = client.get(url)
    assert "Accept and represent Vendor A" in page.content.decode()
    response = client.post(url)
    # then
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, organisation=vendor_a)
    assert membership.status == Membership.Status.VERIFIED
    assert membership.role == Membership.Role.REPRESENTATIVE
    assert (membership.fast_tracked, membership.decided_by) == (True, moderator)
    assert permissions.is_verified_vendor_rep(user, vendor_a)
    assert AuditEvent.objects.filter(action="affiliation.invitation_accepted").exists()
    assert AuditEvent.objects.filter(action="affiliation.invited").exists()
    assert client.post(url).status_code == 200  # a second time: already accepted
    assert "already been accepted" in client.get(url).content.decode()


def test_only_the_invited_address_can_accept(
    client, moderator, vendor_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, moderator, vendor_a)
    url = link_in_mail()
    other = invitee("someone@else.example")
    client.force_login(other)

    response = client.post(url)

    assert (
        "This invitation was sent to sam@newvendor.example" in response.content.decode()
    )
    assert not Membership.objects.filter(user=other).exists()


def test_an_expired_or_unknown_link_is_refused(client, moderator, vendor_a):
    _invitation, token = services.invitation_create(
        actor=moderator, organisation=vendor_a, email="sam@newvendor.example"
    )
    user = invitee()
    later = timezone.now() + dt.timedelta(days=15)
    with (
        time_machine.travel(later),
        pytest.raises(ValidationError, match="expired"),
    ):
        services.invitation_accept(actor=user, token=token)
    assert client.get("/members/invitations/nope/").status_code == 404
    assert not Membership.objects.filter(user=user).exists()


def test_anonymous_visitor_is_asked_to_sign_in(client, moderator, vendor_a):
    _invitation, token = services.invitation_create(
        actor=moderator, organisation=vendor_a, email="sam@newvendor.example"
    )
    url = reverse("members:invitation", kwargs={"token": token})

    html = client.get(url).content.decode()

    assert f'href="/accounts/login/?next={url}"' in html
    assert f'href="/accounts/signup/?next={url}"' in html


@pytest.mark.parametrize("role", ["library_worker", "vendor_rep_a"])
def test_only_moderators_invite(client, request, role, vendor_a):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=user, organisation=vendor_a, email="x@y.example"
        )
    client.force_login(user)
    assert client.get(ADMIN_URL).status_code in (302, 403, 404)


def test_invitations_go_to_vendors_only(moderator, library):
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=moderator, organisation=library, email="x@y.example"
        )
    assert not AffiliationInvitation.objects.exists()


def test_only_a_hash_of_the_token_is_stored(moderator, vendor_a):
    invitation, token = services.invitation_create(
        actor=moderator, organisation=vendor_a, email="sam@newvendor.example"
    )

    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64


def test_erasing_the_member_removes_their_invitations(moderator, vendor_a):
    _invitation, token = services.invitation_create(
        actor=moderator, organisation=vendor_a, email="sam@newvendor.example"
    )
    user = invitee()
    services.invitation_accept(actor=user, token=token)

    erase_invitations(user=user, keep_posts=False)

    assert not AffiliationInvitation.objects.exists()

"""Affiliation requests over HTTP: fast-track, approve, decline, withdraw, leave."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from cop.core.models import AuditEvent
from cop.members import permissions
from cop.members.models import Membership
from tests.factories import (
    MembershipFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def _audit(action: str, membership: Membership) -> AuditEvent:
    return AuditEvent.objects.get(action=action, target_id=str(membership.pk))


def _join(client: Any, org: Any, role: str = "member", message: str = "") -> Any:
    return client.post(
        reverse("members:organisation_join", args=[org.slug]),
        {"role": role, "message": message},
    )


def test_join_with_matching_verified_domain_is_fast_tracked(client, vendor_a):
    # given: a member whose verified primary address is at vendor A's domain
    user = UserFactory(email="jo@vendor-a.example")
    VerifiedEmailAddressFactory(user=user)
    client.force_login(user)
    # when
    response = _join(client, vendor_a, role="representative")
    # then
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, organisation=vendor_a)
    assert membership.status == Membership.Status.VERIFIED
    assert membership.fast_tracked is True
    event = _audit("affiliation.fast_tracked", membership)
    assert event.actor == user
    page = client.get(reverse("members:affiliation_list"))
    assert "Verified automatically" in page.content.decode()


def test_join_with_unverified_matching_address_waits_for_moderator(client, vendor_a):
    user = UserFactory(email="jo@vendor-a.example")
    VerifiedEmailAddressFactory(user=user, verified=False)
    client.force_login(user)
    _join(client, vendor_a)
    membership = Membership.objects.get(user=user, organisation=vendor_a)
    assert membership.status == Membership.Status.REQUESTED
    assert membership.fast_tracked is False
    assert _audit("affiliation.requested", membership).actor == user


def test_join_then_moderator_approves_member_sees_outcome(
    client, library, moderator, django_capture_on_commit_callbacks
):
    # given: a pending request with a message
    user = UserFactory(email="sam@elsewhere.example")
    client.force_login(user)
    _join(client, library, message="I run the <b>privacy</b> audits.")
    membership = Membership.objects.get(user=user)
    # when: the moderator approves in the admin
    client.force_login(moderator)
    queue = client.get(reverse("community:affiliation_queue"))
    assert "I run the &lt;b&gt;privacy&lt;/b&gt; audits." in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("community:affiliation_decide", args=[membership.pk]),
            {"decision": "approve", "reason": "Confirmed by phone."},
        )
    # then
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.VERIFIED
    assert membership.decided_by == moderator
    event = _audit("affiliation.approved", membership)
    assert (event.actor, event.reason) == (moderator, "Confirmed by phone.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    client.force_login(user)
    page = client.get(reverse("members:affiliation_list")).content.decode()
    assert "Verified" in page
    assert "Confirmed by phone." in page


def test_decline_needs_a_reason_and_member_sees_it(client, vendor_b, moderator):
    user = UserFactory()
    membership = MembershipFactory(
        user=user,
        organisation=vendor_b,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.REQUESTED,
    )
    client.force_login(moderator)
    url = reverse("community:affiliation_decide", args=[membership.pk])
    # when: declining without a reason
    response = client.post(url, {"decision": "decline", "reason": ""})
    # then: the form asks for one and nothing changes
    assert response.status_code == 200
    assert "Please tell the member why" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    # when: declining with a reason
    client.post(url, {"decision": "decline", "reason": "Not listed <i>staff</i>."})
    membership.refresh_from_db()
    assert membership.status == Membership.Status.DECLINED
    assert (
        _audit("affiliation.declined", membership).reason == "Not listed <i>staff</i>."
    )
    client.force_login(user)
    page = client.get(reverse("members:affiliation_list")).content.decode()
    assert "Not listed &lt;i&gt;staff&lt;/i&gt;." in page


def test_moderator_cannot_decide_own_request(client, library, moderator):
    membership = MembershipFactory(
        user=moderator, organisation=library, status=Membership.Status.REQUESTED
    )
    client.force_login(moderator)
    response = client.post(
        reverse("community:affiliation_decide", args=[membership.pk]),
        {"decision": "approve"},
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED


def test_withdraw_pending_request(client, library):
    user = UserFactory()
    membership = MembershipFactory(
        user=user, organisation=library, status=Membership.Status.REQUESTED
    )
    client.force_login(user)
    response = client.post(
        reverse("members:affiliation_withdraw", args=[membership.pk])
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.WITHDRAWN
    assert _audit("affiliation.withdrawn", membership).actor == user


def test_withdraw_by_get_is_not_allowed(client, library):
    user = UserFactory()
    membership = MembershipFactory(
        user=user, organisation=library, status=Membership.Status.REQUESTED
    )
    client.force_login(user)
    response = client.get(reverse("members:affiliation_withdraw", args=[membership.pk]))
    assert response.status_code == 405


def test_leave_ends_representative_rights_at_once(client, vendor_rep_a, vendor_a):
    membership = Membership.objects.get(user=vendor_rep_a)
    client.force_login(vendor_rep_a)
    response = client.post(reverse("members:affiliation_leave", args=[membership.pk]))
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT
    assert _audit("affiliation.left", membership).actor == vendor_rep_a
    permissions.clear_cached_roles(vendor_rep_a)
    assert permissions.is_verified_vendor_rep(vendor_rep_a, vendor_a) is False
    edit = client.get(reverse("members:organisation_edit", args=[vendor_a.slug]))
    assert edit.status_code == 404


def test_rejoin_after_leaving_reuses_the_row(client, library_worker, library):
    membership = Membership.objects.get(user=library_worker)
    client.force_login(library_worker)
    client.post(reverse("members:affiliation_leave", args=[membership.pk]))
    _join(client, library)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED
    assert Membership.objects.filter(user=library_worker).count() == 1


def test_join_twice_while_pending_shows_error(client, library):
    user = UserFactory()
    client.force_login(user)
    _join(client, library)
    response = _join(client, library)
    assert response.status_code == 200
    assert "already asked to join" in response.content.decode()


def test_library_has_no_representative_role(client, library):
    user = UserFactory()
    client.force_login(user)
    response = _join(client, library, role="representative")
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "message",
    ["x" * 1001, "hidden\u202etext"],
    ids=["too-long", "bidi-override"],
)
def test_join_message_bad_input_keeps_text_and_changes_nothing(
    client, library, message
):
    user = UserFactory()
    client.force_login(user)
    response = _join(client, library, message=message)
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()
    assert response.context["form"].data["message"] == message


def test_join_message_with_control_character_is_400_showing_the_text(client, library):
    # Control characters are refused before any view runs (cop.core.control_characters).
    user = UserFactory()
    client.force_login(user)
    response = _join(client, library, message="ring the bell\x07 please")
    assert response.status_code == 400
    assert "ring the bell please" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_pending_request_cap(client, db):
    from tests.factories import OrganisationFactory

    user = UserFactory()
    client.force_login(user)
    orgs = OrganisationFactory.create_batch(6)
    for org in orgs[:5]:
        _join(client, org)
    response = _join(client, orgs[5])
    assert "requests waiting" in response.content.decode()
    assert Membership.objects.filter(user=user).count() == 5


def test_join_requires_sign_in(client, library):
    response = _join(client, library)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Membership.objects.exists()


def test_revoke_verified_affiliation(client, vendor_rep_b, moderator):
    membership = Membership.objects.get(user=vendor_rep_b)
    client.force_login(moderator)
    response = client.post(
        reverse("community:membership_revoke", args=[membership.pk]),
        {"reason": "Left the company."},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REVOKED
    assert _audit("affiliation.revoked", membership).reason == "Left the company."


# ----------------------------------------------------------------- services per role
MODERATORS_ONLY = {
    "anonymous": False,
    "library_worker": False,
    "vendor_rep_a": False,
    "vendor_rep_b": False,
    "moderator": True,
    "admin": True,
}


def _pending(org: Any) -> Membership:
    return MembershipFactory(
        user=UserFactory(),
        organisation=org,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.REQUESTED,
    )


@pytest.mark.parametrize("role", list(MODERATORS_ONLY))
@pytest.mark.parametrize(
    ("service", "start", "end"),
    [
        ("affiliation_approve", "requested", "verified"),
        ("affiliation_decline", "requested", "declined"),
        ("affiliation_revoke", "verified", "revoked"),
    ],
)
def test_moderation_services_per_role(people, vendor_a, role, service, start, end):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    from cop.members import services

    # given: a request (or verified affiliation) for vendor A by someone else
    membership = _pending(vendor_a)
    Membership.objects.filter(pk=membership.pk).update(status=start)
    membership.refresh_from_db()
    actor = people[role] or AnonymousUser()
    # when / then
    call = getattr(services, service)
    if MODERATORS_ONLY[role]:
        call(actor=actor, membership=membership, reason="Checked.")
        membership.refresh_from_db()
        assert membership.status == end
    else:
        with pytest.raises(PermissionDenied):
            call(actor=actor, membership=membership, reason="Checked.")
        membership.refresh_from_db()
        assert membership.status == start
        assert not AuditEvent.objects.filter(target_id=str(membership.pk)).exists()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", True),
        ("vendor_rep_a", True),
        ("vendor_rep_b", True),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_affiliation_request_per_role(people, library, role, allowed):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied, ValidationError

    from cop.members import services

    actor = people[role] or AnonymousUser()
    if not allowed:
        with pytest.raises(PermissionDenied):
            services.affiliation_request(
                actor=actor, organisation=library, role="member"
            )
        return
    if role == "library_worker":  # already a verified member of this library
        with pytest.raises(ValidationError):
            services.affiliation_request(
                actor=actor, organisation=library, role="member"
            )
        return
    membership = services.affiliation_request(
        actor=actor, organisation=library, role="member"
    )
    assert membership.status == Membership.Status.REQUESTED


@pytest.mark.parametrize("role", list(MODERATORS_ONLY))
def test_withdraw_someone_elses_request_is_404_for_every_role(
    client, people, vendor_a, role
):
    membership = _pending(vendor_a)
    if people[role] is not None:
        client.force_login(people[role])
    response = client.post(
        reverse("members:affiliation_withdraw", args=[membership.pk])
    )
    assert response.status_code == (302 if role == "anonymous" else 404)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED


def test_vendor_rep_a_cannot_decide_request_for_b(client, vendor_rep_a, vendor_b):
    membership = _pending(vendor_b)
    client.force_login(vendor_rep_a)
    response = client.post(
        reverse("community:affiliation_decide", args=[membership.pk]),
        {"decision": "approve"},
    )
    assert response.status_code in {302, 403, 404}
    membership.refresh_from_db()
    assert membership.status == Membership.Status.REQUESTED

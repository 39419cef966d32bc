"""A vendor's last verified representative leaving: moderators are told, the page says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cop.core.models import AuditEvent
from cop.members import selectors, services
from cop.members.models import Membership
from cop.privacy.services.erasure import member_erase
from tests.factories import MembershipFactory, TotpAuthenticatorFactory, UserFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db

QUEUE = "community:affiliation_queue"


def _second_rep(vendor):
    user = UserFactory()
    TotpAuthenticatorFactory(user=user)
    MembershipFactory(
        user=user, organisation=vendor, role=Membership.Role.REPRESENTATIVE
    )
    return user


def _leave(user, vendor):
    membership = Membership.objects.get(user=user, organisation=vendor)
    services.affiliation_leave(actor=user, membership=membership)


def test_last_representative_leaving_flags_the_vendor_to_moderators(
    client, vendor_a, vendor_rep_a, moderator
):
    # when
    _leave(vendor_rep_a, vendor_a)
    # then: on the moderators' queue, and the vendor page says so
    assert list(selectors.vendors_without_representative(viewer=moderator)) == [
        vendor_a
    ]
    client.force_login(moderator)
    queue = client.get(reverse(QUEUE)).content.decode()
    assert "Vendors without an active representative" in queue
    assert "Vendor A" in queue
    page = client.get(reverse("vendors:vendor_detail", args=[vendor_a.slug]))
    assert "has no active representative" in page.content.decode()


def test_a_representative_leaving_while_another_remains_flags_nothing(
    client, vendor_a, vendor_rep_a, moderator
):
    _second_rep(vendor_a)
    _leave(vendor_rep_a, vendor_a)
    assert not selectors.vendors_without_representative(viewer=moderator).exists()
    assert not AuditEvent.objects.filter(
        action="organisation.representative_lost"
    ).exists()
    page = client.get(reverse("vendors:vendor_detail", args=[vendor_a.slug]))
    assert "has no active representative" not in page.content.decode()


def test_last_representative_erasing_their_account_flags_the_vendor(
    vendor_a, vendor_rep_a, moderator
):
    member_erase(member=vendor_rep_a, actor=vendor_rep_a, keep_posts=True)
    flagged = list(selectors.vendors_without_representative(viewer=moderator))
    assert flagged == [vendor_a]
    assert flagged[0].lost_at is not None


def test_last_representative_revoked_flags_the_vendor(
    vendor_a, vendor_rep_a, moderator
):
    membership = Membership.objects.get(user=vendor_rep_a, organisation=vendor_a)
    services.affiliation_revoke(
        actor=moderator, membership=membership, reason="Left the company"
    )
    assert list(selectors.vendors_without_representative(viewer=moderator)) == [
        vendor_a
    ]


def test_a_new_verified_representative_clears_the_flag(
    client, vendor_a, vendor_rep_a, moderator
):
    # given
    _leave(vendor_rep_a, vendor_a)
    # when
    _second_rep(vendor_a)
    # then
    assert not selectors.vendors_without_representative(viewer=moderator).exists()
    page = client.get(reverse("vendors:vendor_detail", args=[vendor_a.slug]))
    assert "has no active representative" not in page.content.decode()


def test_flag_is_for_moderators_only(vendor_a, vendor_rep_a, library_worker):
    _leave(vendor_rep_a, vendor_a)
    assert not selectors.vendors_without_representative(viewer=library_worker).exists()


def test_queue_query_count_does_not_grow_with_flagged_vendors(
    client, moderator, django_assert_num_queries, django_assert_max_num_queries
):
    from tests.factories import OrganisationFactory

    def flag_one():
        vendor = OrganisationFactory(kind="vendor")
        rep = UserFactory()
        MembershipFactory(
            user=rep, organisation=vendor, role=Membership.Role.REPRESENTATIVE
        )
        _leave(rep, vendor)

    flag_one()
    client.force_login(moderator)
    client.get(reverse(QUEUE))
    with django_assert_max_num_queries(60) as captured:
        client.get(reverse(QUEUE))
    for _ in range(5):
        flag_one()
    with django_assert_num_queries(len(captured.captured_queries)):
        body = client.get(reverse(QUEUE)).content.decode()
    assert body.count("Public profile") == 6

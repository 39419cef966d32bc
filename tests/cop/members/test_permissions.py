"""Role predicates: who holds which role, and MFA as the condition for elevated rights."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.http import Http404

from cop.members import permissions
from cop.members.models import Membership
from tests.factories import (
    MembershipFactory,
    TotpAuthenticatorFactory,
    UserFactory,
)
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def _fresh(user: Any) -> Any:
    permissions.clear_cached_roles(user)
    return user


def test_mfa_enabled_without_authenticator_is_false():
    assert permissions.mfa_enabled(UserFactory()) is False


def test_mfa_enabled_with_recovery_codes_only_is_false():
    user = UserFactory()
    TotpAuthenticatorFactory(user=user, type="recovery_codes")
    assert permissions.mfa_enabled(user) is False


def test_mfa_enabled_with_totp_is_true():
    user = UserFactory()
    TotpAuthenticatorFactory(user=user)
    assert permissions.mfa_enabled(user) is True


def test_mfa_enabled_for_anonymous_is_false():
    assert permissions.mfa_enabled(AnonymousUser()) is False


def test_mfa_enabled_is_memoised_per_user_object(django_assert_num_queries):
    user = UserFactory()
    TotpAuthenticatorFactory(user=user)
    permissions.mfa_enabled(user)
    with django_assert_num_queries(0):
        assert permissions.mfa_enabled(user) is True


def test_superuser_without_mfa_holds_role_but_has_no_rights():
    user = UserFactory(is_superuser=True)
    assert permissions.has_elevated_role(user) is True
    assert permissions.elevated_role_pending_mfa(user) is True
    assert permissions.is_site_admin(user) is False
    assert permissions.is_moderator(user) is False
    assert permissions.can_moderate(user) is False


def test_moderator_without_mfa_is_not_moderator_until_mfa():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    assert permissions.is_moderator(user) is False
    assert permissions.elevated_role_pending_mfa(user) is True
    TotpAuthenticatorFactory(user=user)
    assert permissions.is_moderator(_fresh(user)) is True
    assert permissions.elevated_role_pending_mfa(user) is False


def test_vendor_rep_without_mfa_speaks_for_nobody(vendor_a):
    user = UserFactory()
    MembershipFactory(
        user=user, organisation=vendor_a, role=Membership.Role.REPRESENTATIVE
    )
    assert permissions.is_verified_vendor_rep(user, vendor_a) is False
    assert permissions.represented_vendor_ids(user) == frozenset()
    assert permissions.has_elevated_role(user) is True


def test_library_worker_needs_no_mfa(library_worker):
    assert permissions.is_library_worker(library_worker) is True
    assert permissions.can_post_pseudonymously(library_worker) is True
    assert permissions.has_elevated_role(library_worker) is False
    assert permissions.elevated_role_pending_mfa(library_worker) is False


def test_vendor_rep_of_a_has_no_rights_over_b(vendor_rep_a, vendor_a, vendor_b):
    assert permissions.is_verified_vendor_rep(vendor_rep_a, vendor_a) is True
    assert permissions.is_verified_vendor_rep(vendor_rep_a, vendor_b) is False
    assert permissions.can_edit_organisation_profile(vendor_rep_a, vendor_a) is True
    assert permissions.can_edit_organisation_profile(vendor_rep_a, vendor_b) is False


def test_pending_representative_request_grants_nothing(vendor_b):
    user = UserFactory()
    TotpAuthenticatorFactory(user=user)
    MembershipFactory(
        user=user,
        organisation=vendor_b,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.REQUESTED,
    )
    assert permissions.is_verified_vendor_rep(user) is False
    assert permissions.has_elevated_role(user) is False


def test_inactive_user_has_no_role(moderator):
    moderator.is_active = False
    assert permissions.is_moderator(_fresh(moderator)) is False
    assert permissions.has_elevated_role(moderator) is False


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", False),
        ("library_worker", False),
        ("vendor_rep_a", False),
        ("vendor_rep_b", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_can_review_affiliations_per_role(people, role, expected):
    user = people[role] or AnonymousUser()
    assert permissions.can_review_affiliations(user) is expected


def test_can_suspend_rules(moderator, admin, library_worker):
    other_moderator = UserFactory()
    other_moderator.groups.add(Group.objects.get(name="Moderators"))
    assert permissions.can_suspend(moderator, library_worker) is True
    assert permissions.can_suspend(moderator, moderator) is False
    assert permissions.can_suspend(moderator, admin) is False
    assert permissions.can_suspend(moderator, other_moderator) is False
    assert permissions.can_suspend(admin, other_moderator) is True
    assert permissions.can_suspend(library_worker, moderator) is False


def test_access_organisation_for_edit_gives_404_for_other_vendor(
    vendor_rep_a, vendor_b
):
    with pytest.raises(Http404):
        permissions.access_organisation_for_edit(vendor_rep_a, vendor_b.slug)
    with pytest.raises(Http404):
        permissions.access_organisation_for_edit(vendor_rep_a, "no-such-org")


def test_access_own_membership_gives_404_for_someone_elses(vendor_rep_a, vendor_rep_b):
    theirs = Membership.objects.get(user=vendor_rep_b)
    with pytest.raises(Http404):
        permissions.access_own_membership(vendor_rep_a, theirs.pk)

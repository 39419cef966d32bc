"""The moderators' Community area of the Wagtail admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cop.members.models import Membership, Organisation
from tests.factories import (
    MembershipFactory,
    TotpAuthenticatorFactory,
    UserFactory,
)
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def test_moderator_sees_community_menu(client, moderator):
    client.force_login(moderator)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Affiliation requests" in body
    assert reverse("community:affiliation_queue") in body
    assert reverse("members_admin:index") in body


def test_moderator_without_mfa_is_sent_to_set_it_up(client, db):
    from django.contrib.auth.models import Group

    user = UserFactory()
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    response = client.get(reverse("community:affiliation_queue"))
    assert response.status_code == 302
    assert "/admin/" not in response["Location"]


def test_vendor_rep_cannot_open_admin_queue(client, vendor_rep_a):
    client.force_login(vendor_rep_a)
    response = client.get(reverse("community:affiliation_queue"))
    # 404: representatives are kept to the vendor part of the admin.
    assert response.status_code in {302, 403, 404}
    assert "Affiliation requests" not in response.content.decode()


def test_organisation_editor_creates_with_clean_domains(client, moderator):
    client.force_login(moderator)
    response = client.post(
        reverse("organisations:add"),
        {
            "kind": "vendor",
            "name": "Vendor C",
            "slug": "vendor-c",
            "website": "https://vendor-c.example",
            "description": "",
            "email_domains": "Vendor-C.example\nmail.vendor-c.example",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    org = Organisation.objects.get(slug="vendor-c")
    assert org.email_domains == ["mail.vendor-c.example", "vendor-c.example"]


def test_organisation_editor_rejects_taken_domain(client, moderator, vendor_a):
    client.force_login(moderator)
    response = client.post(
        reverse("organisations:add"),
        {
            "kind": "vendor",
            "name": "Vendor D",
            "slug": "vendor-d",
            "email_domains": "vendor-a.example",
        },
    )
    assert response.status_code == 200
    assert "already belongs to Vendor A" in response.content.decode()
    assert not Organisation.objects.filter(slug="vendor-d").exists()


def test_moderator_cannot_delete_organisation_but_admin_can(
    client, moderator, admin, vendor_b
):
    url = reverse("organisations:delete", args=[vendor_b.pk])
    client.force_login(moderator)
    client.post(url)
    assert Organisation.objects.filter(pk=vendor_b.pk).exists()
    client.force_login(admin)
    client.post(url)
    assert not Organisation.objects.filter(pk=vendor_b.pk).exists()


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"role": "vendor_rep"}, ["rep@vendor-a.example"], ["worker@"]),
        ({"role": "library_worker"}, ["worker@"], ["rep@vendor-a.example"]),
        ({"has_mfa": "false"}, ["worker@", "nomfa@"], ["rep@vendor-a.example"]),
        ({"is_suspended": "true"}, ["suspended@"], ["worker@"]),
    ],
)
def test_member_list_filters(
    client, moderator, library_worker, vendor_rep_a, vendor_a, params, shown, hidden
):
    UserFactory(email="nomfa@elsewhere.example")
    from cop.members import services

    services.member_suspend(
        actor=moderator, user=UserFactory(email="suspended@x.example"), reason="x"
    )
    client.force_login(moderator)
    body = client.get(reverse("members_admin:index"), params).content.decode()
    for text in shown:
        assert text in body
    for text in hidden:
        assert text not in body


def test_member_list_filters_by_organisation(
    client, moderator, library_worker, library
):
    UserFactory(email="other@elsewhere.example")
    client.force_login(moderator)
    body = client.get(
        reverse("members_admin:index"), {"organisation": library.pk}
    ).content.decode()
    assert "worker@riverside-library.example" in body
    assert "other@elsewhere.example" not in body


def test_member_list_query_count_is_constant(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)
    client.get(reverse("members_admin:index"))
    for _ in range(8):
        user = UserFactory()
        TotpAuthenticatorFactory(user=user)
        MembershipFactory(user=user)
    with django_assert_max_num_queries(40) as captured:
        client.get(reverse("members_admin:index"))
    baseline = len(captured.captured_queries)
    for _ in range(8):
        MembershipFactory(user=UserFactory(), role=Membership.Role.MEMBER)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("members_admin:index"))

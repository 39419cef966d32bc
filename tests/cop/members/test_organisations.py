"""The organisation directory, organisation pages, profile editing and domain rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cop.core.models import AuditEvent
from cop.members.models import Membership, Organisation
from cop.members.services import email_domains_clean
from tests.factories import MembershipFactory, OrganisationFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def test_directory_lists_organisations_without_personal_data(
    client, vendor_rep_a, library_worker
):
    response = client.get(reverse("members:organisation_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vendor A" in body
    assert "Riverside Public Library" in body
    assert "1 verified representative" in body
    assert vendor_rep_a.email not in body
    assert library_worker.email not in body


def test_directory_sets_no_cookie_for_anonymous_reader(client, vendor_a):
    response = client.get(reverse("members:organisation_list"))
    assert response.cookies == {}
    detail = client.get(vendor_a.get_absolute_url())
    assert detail.cookies == {}


def test_directory_filters_by_kind(client, vendor_a, library):
    body = client.get(
        reverse("members:organisation_list"), {"kind": "library"}
    ).content.decode()
    assert "Riverside Public Library" in body
    assert "Vendor A" not in body


def test_directory_query_count_is_constant(client, django_assert_num_queries):
    OrganisationFactory.create_batch(3, kind=Organisation.Kind.VENDOR)
    with django_assert_num_queries(1):
        client.get(reverse("members:organisation_list"))
    for org in OrganisationFactory.create_batch(10, kind=Organisation.Kind.VENDOR):
        MembershipFactory(organisation=org, role=Membership.Role.REPRESENTATIVE)
    with django_assert_num_queries(1):
        client.get(reverse("members:organisation_list"))


def test_detail_of_missing_organisation_is_404(client, db):
    assert client.get("/members/organisations/nope/").status_code == 404


def test_detail_shows_counts_only_verified_representatives(client, vendor_a):
    MembershipFactory(organisation=vendor_a, role=Membership.Role.REPRESENTATIVE)
    MembershipFactory(
        organisation=vendor_a,
        role=Membership.Role.REPRESENTATIVE,
        status=Membership.Status.REQUESTED,
    )
    body = client.get(vendor_a.get_absolute_url()).content.decode()
    assert "1 verified representative speaks" in body


def test_rep_edits_own_vendor_profile(client, vendor_rep_a, vendor_a):
    client.force_login(vendor_rep_a)
    response = client.post(
        reverse("members:organisation_edit", args=[vendor_a.slug]),
        {
            "website": "https://vendor-a.example/privacy",
            "description": "<b>We</b> care.",
        },
    )
    assert response.status_code == 302
    vendor_a.refresh_from_db()
    assert vendor_a.description == "<b>We</b> care."
    assert AuditEvent.objects.filter(
        action="organisation.profile_updated", actor=vendor_rep_a
    ).exists()
    body = client.get(vendor_a.get_absolute_url()).content.decode()
    assert "&lt;b&gt;We&lt;/b&gt; care." in body


@pytest.mark.parametrize("method", ["get", "post"])
def test_rep_of_a_editing_b_gets_404_and_nothing_changes(
    client, vendor_rep_a, vendor_b, method
):
    client.force_login(vendor_rep_a)
    url = reverse("members:organisation_edit", args=[vendor_b.slug])
    response = getattr(client, method)(url, {"website": "", "description": "pwned"})
    assert response.status_code == 404
    vendor_b.refresh_from_db()
    assert vendor_b.description == ""


def test_edit_of_missing_and_forbidden_organisation_look_the_same(
    client, vendor_rep_a, vendor_b
):
    client.force_login(vendor_rep_a)
    forbidden = client.get(reverse("members:organisation_edit", args=[vendor_b.slug]))
    missing = client.get(reverse("members:organisation_edit", args=["no-such-org"]))
    assert forbidden.status_code == missing.status_code == 404


def test_edit_rejects_javascript_url(client, vendor_rep_a, vendor_a):
    client.force_login(vendor_rep_a)
    response = client.post(
        reverse("members:organisation_edit", args=[vendor_a.slug]),
        {"website": "javascript:alert(1)", "description": "x"},
    )
    assert response.status_code == 200
    vendor_a.refresh_from_db()
    assert vendor_a.website == ""


def test_email_domains_are_normalised():
    assert email_domains_clean(
        domains=" Lib.Example.ORG\n@lib.example.org, b.example "
    ) == [
        "b.example",
        "lib.example.org",
    ]


@pytest.mark.parametrize(
    "domain", ["not a domain", "-bad.example", "gmail.com", "x" * 300 + ".org", "a@b.c"]
)
def test_email_domains_reject_bad_input(domain):
    with pytest.raises(ValidationError):
        email_domains_clean(domains=[domain])


def test_email_domain_cannot_belong_to_two_organisations(vendor_a, vendor_b):
    with pytest.raises(ValidationError, match="already belongs to Vendor A"):
        email_domains_clean(domains=["vendor-a.example"], organisation=vendor_b)
    assert email_domains_clean(domains=["vendor-a.example"], organisation=vendor_a) == [
        "vendor-a.example"
    ]

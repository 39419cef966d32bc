"""Who may edit, review and see disclosures and roadmaps, in the admin and the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import permissions, services
from vendors.models import Disclosure, RoadmapItem

pytestmark = pytest.mark.django_db

EDITORS_OF_A = {"vendor_rep_a"}
NOT_EDITORS_OF_A = ["anonymous", "library_worker", "vendor_rep_b", "moderator", "admin"]


@pytest.fixture
def disclosure_a(product_a, vendor_rep_a):
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-01")]
    )
    return Disclosure.objects.get(pk=disclosure.pk)


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "library_worker",
        "vendor_rep_a",
        "vendor_rep_b",
        "moderator",
        "admin",
    ],
)
def test_can_edit_product_only_for_owning_rep(people, product_a, role):
    user = people[role]
    assert permissions.can_edit_product(user, product_a) is (role in EDITORS_OF_A)


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "library_worker",
        "vendor_rep_a",
        "vendor_rep_b",
        "moderator",
        "admin",
    ],
)
def test_can_review_disclosure_only_for_moderators(people, product_a, role):
    assert permissions.can_review_disclosure(people[role]) is (
        role in {"moderator", "admin"}
    )


def test_community_product_is_edited_by_moderators(people, community_product):
    assert permissions.can_edit_product(people["moderator"], community_product)
    assert not permissions.can_edit_product(people["vendor_rep_a"], community_product)


def test_rep_without_mfa_cannot_edit(product_a, vendor_rep_a):
    vendor_rep_a.authenticator_set.all().delete()
    permissions_module = __import__("cop.members.permissions", fromlist=["x"])
    permissions_module.clear_cached_roles(vendor_rep_a)
    assert not permissions.can_edit_product(vendor_rep_a, product_a)


@pytest.mark.parametrize("role", NOT_EDITORS_OF_A)
def test_disclosure_save_draft_by_non_editor_is_denied_and_changes_nothing(
    people, disclosure_a, role
):
    revisions = disclosure_a.revisions.count()
    with pytest.raises(PermissionDenied):
        services.disclosure_save_draft(
            disclosure=disclosure_a, actor=people[role], answers=[]
        )
    assert disclosure_a.revisions.count() == revisions


@pytest.mark.parametrize("role", NOT_EDITORS_OF_A)
def test_roadmap_change_status_by_non_editor_is_denied(
    people, product_a, vendor_rep_a, role
):
    item = services.roadmap_item_create(
        product=product_a, actor=vendor_rep_a, title="Opt-in history"
    )
    with pytest.raises(PermissionDenied):
        services.roadmap_item_change_status(
            item=item, actor=people[role], status="shipped"
        )
    item.refresh_from_db()
    assert item.status == "planned"
    assert item.status_changes.count() == 1


def test_access_disclosure_for_edit_other_vendor_is_404(disclosure_a, vendor_rep_b):
    with pytest.raises(Http404):
        permissions.access_disclosure_for_edit(vendor_rep_b, disclosure_a.pk)
    with pytest.raises(Http404):
        permissions.access_disclosure_for_edit(vendor_rep_b, 987654)


def test_admin_access_granted_by_role(people, client):
    for role, allowed in [
        ("vendor_rep_a", True),
        ("moderator", True),
        ("library_worker", False),
    ]:
        assert people[role].has_perm("wagtailadmin.access_admin") is allowed


def _edit_url(disclosure):
    return reverse("wagtailsnippets_vendors_disclosure:edit", args=[disclosure.pk])


def test_admin_edit_other_vendors_disclosure_is_404(client, disclosure_a, vendor_rep_b):
    client.force_login(vendor_rep_b)
    assert client.get(_edit_url(disclosure_a)).status_code == 404
    history = reverse(
        "wagtailsnippets_vendors_disclosure:history", args=[disclosure_a.pk]
    )
    assert client.get(history).status_code == 404
    response = client.post(_edit_url(disclosure_a), {})
    assert response.status_code == 404
    assert (
        disclosure_a.revisions.count()
        == Disclosure.objects.get(pk=disclosure_a.pk).revisions.count()
    )


def test_admin_edit_own_disclosure_renders(client, disclosure_a, vendor_rep_a):
    client.force_login(vendor_rep_a)
    assert client.get(_edit_url(disclosure_a)).status_code == 200


def test_admin_listing_shows_reps_only_their_vendors(
    client, disclosure_a, product_b, vendor_rep_b, moderator
):
    disclosure_b = services.disclosure_create(product=product_b, actor=vendor_rep_b)
    index = reverse("wagtailsnippets_vendors_disclosure:list")
    client.force_login(vendor_rep_b)
    body = client.get(index).content.decode()
    assert str(disclosure_b) in body
    assert str(disclosure_a) not in body
    client.force_login(moderator)
    body = client.get(index).content.decode()
    assert str(disclosure_a) in body
    assert str(disclosure_b) in body


def test_admin_roadmap_of_other_vendor_is_404(
    client, product_a, vendor_rep_a, vendor_rep_b
):
    item = services.roadmap_item_create(
        product=product_a, actor=vendor_rep_a, title="X"
    )
    client.force_login(vendor_rep_b)
    url = reverse("wagtailsnippets_vendors_roadmapitem:edit", args=[item.pk])
    assert client.get(url).status_code == 404
    assert RoadmapItem.objects.get(pk=item.pk).title == "X"


def test_admin_library_worker_has_no_admin(client, disclosure_a, library_worker):
    client.force_login(library_worker)
    response = client.get(_edit_url(disclosure_a))
    assert response.status_code in (302, 403, 404)

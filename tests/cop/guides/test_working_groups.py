"""Working groups: charter, members listed only by their own choice, admin membership."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.test.utils import WagtailPageTestCase

from cop.guides import services_working_groups as services
from cop.guides.models import (
    HomePage,
    WorkingGroupIndexPage,
    WorkingGroupMembership,
    WorkingGroupPage,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wg_index(db: Any) -> WorkingGroupIndexPage:
    """The index that migration 0008 creates at /working-groups/."""
    return WorkingGroupIndexPage.objects.get(slug="working-groups")


@pytest.fixture
def group(wg_index: WorkingGroupIndexPage) -> WorkingGroupPage:
    page = WorkingGroupPage(
        title="Vendor privacy",
        slug="vendor-privacy",
        intro="Reviews disclosures.",
        charter="<p>We review disclosures.</p>",
        how_to_join="<p>Ask a moderator.</p>",
        discussion_path="/discussions/s/vendor-privacy-working-group/",
    )
    wg_index.add_child(instance=page)
    page.save_revision().publish()
    return page


def member(group: WorkingGroupPage, name: str, *, listed: bool) -> Any:
    user = UserFactory(display_name=name)
    WorkingGroupMembership.objects.create(group=group, user=user, listed=listed)
    return user


class WorkingGroupTreeTests(WagtailPageTestCase):
    def test_working_groups_live_under_their_index(self) -> None:
        self.assertAllowedParentPageTypes(WorkingGroupIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(WorkingGroupIndexPage, {WorkingGroupPage})
        self.assertAllowedParentPageTypes(WorkingGroupPage, {WorkingGroupIndexPage})
        self.assertCanNotCreateAt(HomePage, WorkingGroupPage)


def test_page_names_only_members_who_chose_to_be_listed(
    client: Any, group: WorkingGroupPage
) -> None:
    member(group, "Ana Listed", listed=True)
    hidden = member(group, "Bo Hidden", listed=False)
    gone = member(group, "Cy Deactivated", listed=True)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    html = client.get("/working-groups/vendor-privacy/").content.decode()
    assert "We review disclosures." in html
    assert "The group has 2 members." in html
    assert "1 of them chose not to be listed by name." in html
    assert "<li>Ana Listed</li>" in html
    assert "Bo Hidden" not in html
    assert hidden.email not in html
    assert "Cy Deactivated" not in html
    # the private space's address is for members only
    assert "/discussions/s/vendor-privacy-working-group/" not in html
    index = client.get("/working-groups/").content.decode()
    assert '<a href="/working-groups/vendor-privacy/">Vendor privacy</a>' in index
    assert "2 members" in index or "3 members" in index


def test_member_chooses_to_be_listed_and_sees_the_space_link(
    client: Any, group: WorkingGroupPage
) -> None:
    user = member(group, "Dee Member", listed=False)
    client.force_login(user)
    html = client.get("/working-groups/vendor-privacy/").content.decode()
    assert 'href="/discussions/s/vendor-privacy-working-group/"' in html
    assert "Show my display name" in html
    response = client.post("/working-groups/vendor-privacy/listing/", {"listed": "1"})
    assert response.status_code == 302
    assert WorkingGroupMembership.objects.get(user=user).listed
    assert "<li>Dee Member</li>" in client.get(response["Location"]).content.decode()
    client.post("/working-groups/vendor-privacy/listing/", {"listed": "0"})
    assert not WorkingGroupMembership.objects.get(user=user).listed


def test_listing_is_refused_to_non_members_and_to_get(
    client: Any, group: WorkingGroupPage
) -> None:
    client.force_login(UserFactory())
    url = "/working-groups/vendor-privacy/listing/"
    assert client.post(url, {"listed": "1"}).status_code == 404
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"listed": "1"}).status_code in (403, 404)


def test_listing_is_the_member_own_choice(
    group: WorkingGroupPage, moderator_a: Any
) -> None:
    user = member(group, "Eve", listed=False)
    membership = WorkingGroupMembership.objects.get(user=user)
    with pytest.raises(PermissionDenied):
        services.working_group_membership_set_listed(
            membership=membership, actor=moderator_a, listed=True
        )


def test_only_moderators_add_members_and_twice_is_a_clear_error(
    group: WorkingGroupPage, moderator_a: Any
) -> None:
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        services.working_group_member_add(group=group, user=user, actor=UserFactory())
    membership = services.working_group_member_add(
        group=group, user=user, actor=moderator_a
    )
    assert not membership.listed
    with pytest.raises(ValidationError, match="already a member"):
        services.working_group_member_add(group=group, user=user, actor=moderator_a)


def test_moderator_adds_and_removes_a_member_in_the_admin(
    client: Any, group: WorkingGroupPage, moderator_a: Any
) -> None:
    user = UserFactory(email="fran@library.example", display_name="Fran")
    client.force_login(moderator_a)
    assert client.get("/admin/working_group_members/").status_code == 200
    bad = client.post(
        "/admin/working_group_members/new/",
        {"group": group.pk, "email": "nobody@library.example"},
    )
    assert "No active member signs in with this address." in bad.content.decode()
    response = client.post(
        "/admin/working_group_members/new/",
        {"group": group.pk, "email": "fran@library.example"},
    )
    assert response.status_code == 302
    membership = WorkingGroupMembership.objects.get(group=group, user=user)
    again = client.post(
        "/admin/working_group_members/new/",
        {"group": group.pk, "email": "FRAN@library.example"},
    )
    assert "This member is already in the group." in again.content.decode()
    client.post(f"/admin/working_group_members/delete/{membership.pk}/")
    assert not WorkingGroupMembership.objects.filter(pk=membership.pk).exists()


def test_members_admin_is_for_moderators_only(client: Any, db: Any) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/admin/working_group_members/")
    assert response.status_code in (302, 403)


def test_working_group_index_queries_do_not_grow(
    client: Any, wg_index: WorkingGroupIndexPage, group: WorkingGroupPage
) -> None:
    member(group, "One", listed=True)
    client.get("/working-groups/")  # warm Wagtail's site cache
    with CaptureQueriesContext(connection) as few:
        client.get("/working-groups/")
    for n in range(3):
        other = WorkingGroupPage(
            title=f"Group {n}", slug=f"group-{n}", intro="x", charter="<p>x</p>"
        )
        wg_index.add_child(instance=other)
        other.save_revision().publish()
        member(other, f"M{n}", listed=True)
    with CaptureQueriesContext(connection) as many:
        client.get("/working-groups/")
    assert len(many) == len(few)


def test_a_members_working_groups_are_exported_and_erased_with_them(
    group: WorkingGroupPage,
) -> None:
    from cop.privacy.hooks import member_data
    from cop.privacy.services.erasure import member_erase

    user = member(group, "Ada", listed=True)
    exported = dict(member_data)["guides"].export(user)
    assert [
        (row["group__title"], row["listed"])
        for row in exported["working_group_memberships"]
    ] == [("Vendor privacy", True)]

    member_erase(member=user, actor=user, keep_posts=True)

    assert not WorkingGroupMembership.objects.filter(group=group).exists()

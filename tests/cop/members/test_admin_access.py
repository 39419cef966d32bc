"""Who may enter the Wagtail admin, and what everyone else sees there.

A signed-in member without admin rights gets one 403 page that says what the admin is
for, instead of being sent between the admin and the sign-in page forever.
"""

from __future__ import annotations

import pytest

from tests.factories import UserFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db

ADMIN_PATHS = ["/admin/", "/admin/pages/", "/admin/vendors/", "/admin/snippets/"]


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_admin_for_member_without_rights_is_403_explaining_the_admin(
    client, library_worker, path
):
    client.force_login(library_worker)
    response = client.get(path)
    assert response.status_code == 403
    body = response.content.decode()
    assert "The admin is for the working group" in body
    assert "verified vendor representatives" in body
    assert "Content-Security-Policy" in response


def test_admin_for_member_without_rights_never_redirects(client):
    # given: a member with no organisation at all
    client.force_login(UserFactory())
    # when: the member follows whatever /admin/ answers, a few times
    response = client.get("/admin/", follow=True)
    # then: no redirect at all, so no loop
    assert response.redirect_chain == []
    assert response.status_code == 403


def test_admin_for_anonymous_is_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["moderator", "admin", "vendor_rep_a"])
def test_admin_home_for_roles_with_admin_rights_is_200(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/admin/").status_code == 200


def test_admin_icon_sprite_stays_public_for_members(client, library_worker):
    client.force_login(library_worker)
    assert client.get("/admin/sprite/").status_code == 200

"""Vendor representatives reach only the vendor part of the Wagtail admin."""

import pytest

from cop.members import permissions
from tests.roles import *  # noqa: F403 - the role fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/admin/pages/", "/admin/api/main/pages/", "/admin/documents/", "/admin/users/"],
)
def test_admin_scope_vendor_rep_outside_vendor_admin_gets_404(
    client, vendor_rep_a, path
):
    client.force_login(vendor_rep_a)
    assert client.get(path).status_code == 404


def test_admin_scope_vendor_rep_reaches_dashboard_and_own_disclosures(
    client, vendor_rep_a
):
    client.force_login(vendor_rep_a)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/vendors/disclosures/").status_code == 200


def test_admin_scope_moderator_is_not_limited(client, moderator):
    client.force_login(moderator)
    assert not permissions.admin_scope_limited(moderator)
    assert client.get("/admin/pages/").status_code == 200


def test_admin_scope_library_worker_is_not_a_scoped_role(library_worker):
    assert not permissions.admin_scope_limited(library_worker)

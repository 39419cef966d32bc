"""The read-only "Privacy reference" listings of the Wagtail admin."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cop.privacy.models import Criterion, RedFlag
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db

CODE = re.compile(r"VPD-[A-Z0-9]+-\d{2}")


def test_moderator_lists_criteria_and_red_flags(client, moderator, loaded):
    client.force_login(moderator)
    criteria = client.get(reverse("privacy_criteria:index"))
    flags = client.get(reverse("privacy_red_flags:index"))
    frameworks = client.get(reverse("privacy_frameworks:index"))
    assert criteria.status_code == flags.status_code == frameworks.status_code == 200
    assert "VPD-GOV-01" in criteria.content.decode()
    assert "Vague standards" in flags.content.decode()
    assert "ALA-LMS" in frameworks.content.decode()


def test_moderator_sees_privacy_reference_menu(client, moderator):
    client.force_login(moderator)
    body = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Privacy reference" in body
    assert reverse("privacy_criteria:index") in body


def test_moderator_inspects_a_criterion_but_gets_no_edit_link(
    client, moderator, loaded
):
    # given
    client.force_login(moderator)
    crit = Criterion.objects.get(code="VPD-RET-01")
    # when
    listing = client.get(reverse("privacy_criteria:index") + "?q=VPD-RET-01")
    inspect = client.get(reverse("privacy_criteria:inspect", args=[crit.pk]))
    # then
    assert (
        reverse("privacy_criteria:inspect", args=[crit.pk]) in listing.content.decode()
    )
    assert (
        reverse("privacy_criteria:edit", args=[crit.pk]) not in listing.content.decode()
    )
    assert reverse("privacy_criteria:add") not in listing.content.decode()
    assert inspect.status_code == 200
    assert crit.summary in inspect.content.decode()


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_reference_rows_cannot_be_edited_added_or_deleted_in_admin(
    client, request, role, loaded
):
    # given: even a site admin; the files own every row
    client.force_login(request.getfixturevalue(role))
    flag = RedFlag.objects.get(code="RF-01")
    # when
    edit = client.post(
        reverse("privacy_red_flags:edit", args=[flag.pk]), {"title": "Changed"}
    )
    add = client.post(reverse("privacy_red_flags:add"), {"title": "New"})
    delete = client.post(reverse("privacy_red_flags:delete", args=[flag.pk]))
    # then
    assert {edit.status_code, add.status_code, delete.status_code} <= {302, 403}
    flag.refresh_from_db()
    assert flag.title == "Vague standards"
    assert RedFlag.objects.count() == 22


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "vendor_rep_a"])
def test_non_moderators_cannot_list_reference_data(client, request, role, loaded):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("privacy_criteria:index"))
    # 404 for representatives: they are kept to the vendor part of the admin.
    assert response.status_code in {302, 403, 404}
    assert "VPD-GOV-01" not in response.content.decode()


def test_criteria_listing_query_count_does_not_grow_with_rows(
    client, moderator, loaded
):
    # given: a page with the 5 criteria of one domain, one with 20 core criteria
    # of several domains (one filter each, so the filter chips cost the same)
    client.force_login(moderator)
    url = reverse("privacy_criteria:index")
    first = Criterion.objects.get(code="VPD-GOV-01")
    client.get(url)  # warm caches (site, permissions)
    # when
    with CaptureQueriesContext(connection) as few:
        small = client.get(url, {"domain": first.domain_id})
    with CaptureQueriesContext(connection) as many:
        full = client.get(url, {"module": first.module_id})
    # then
    assert len(set(CODE.findall(small.content.decode()))) == 5
    assert len(set(CODE.findall(full.content.decode()))) == 20  # one page
    assert len(many) == len(few)

"""The dashboard's "Work waiting" panel: each app's waiting work, for moderators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cop.core.work import work_waiting
from cop.members.models import Membership
from tests.factories import MembershipFactory
from tests.roles import *  # noqa: F403 - role fixtures

pytestmark = pytest.mark.django_db


def test_moderator_sees_reviews_requests_and_the_moderation_queue(
    client, moderator, vendor_a, library_worker
):
    # given: one affiliation request waiting
    MembershipFactory(
        user=library_worker, organisation=vendor_a, status=Membership.Status.REQUESTED
    )
    client.force_login(moderator)
    # when
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    # then
    assert "Work waiting" in html
    assert "Disclosures awaiting review</strong>: 0" in html
    assert "Affiliation requests</strong>: 1" in html
    assert "Moderation queue</strong>: 0" in html
    assert f'href="{reverse("community:affiliation_queue")}"' in html
    assert f'href="{reverse("discussions:moderation_queue")}"' in html


def test_people_who_do_not_moderate_have_no_work_waiting(vendor_rep_a, library_worker):
    assert work_waiting(viewer=vendor_rep_a) == []
    assert work_waiting(viewer=library_worker) == []

"""The header by role: "Moderate (n)", "Vendor tools", notifications in place, account menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cop.members.models import Membership
from discussions.models import Notification, NotificationKind
from discussions.selectors import moderation_waiting
from tests.factories import MembershipFactory, PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("discussions:moderation_queue")
NOTIFICATIONS_URL = reverse("discussions:notifications")


def _waiting_work(spaces: Any, vendor_a: Any, product_a: Any, rep: Any) -> None:
    """One flagged-free pending topic, one affiliation request, one disclosure in review."""
    topic = TopicFactory(space=spaces["public"], review_state="pending")
    PostFactory(topic=topic, number=1, review_state="pending")
    MembershipFactory(
        user=UserFactory(), organisation=vendor_a, status=Membership.Status.REQUESTED
    )
    disclosure = vendor_services.disclosure_create(product=product_a, actor=rep)
    vendor_services.disclosure_save_draft(
        disclosure=disclosure, actor=rep, answers=(answer_for("VPD-GOV-01", pick=1),)
    )
    vendor_services.disclosure_submit(disclosure=disclosure, actor=rep)


def test_header_for_moderator_links_the_queue_with_everything_waiting(
    client, moderator, spaces, vendor_a, product_a, vendor_rep_a
):
    # given: a pending topic, an affiliation request and a disclosure in review
    _waiting_work(spaces, vendor_a, product_a, vendor_rep_a)
    client.force_login(moderator)

    # when
    html = client.get("/vendors/").content.decode()

    # then
    assert (
        f'<a class="site-account__moderate" href="{QUEUE_URL}">Moderate '
        '<span class="badge">3<span class="visually-hidden"> waiting</span>'
    ) in html


def test_moderation_waiting_counts_each_kind_in_one_query(
    moderator, spaces, vendor_a, product_a, vendor_rep_a, django_assert_num_queries
):
    _waiting_work(spaces, vendor_a, product_a, vendor_rep_a)
    moderator.refresh_from_db()
    moderation_waiting(viewer=moderator)  # the roles are memoised on the user

    with django_assert_num_queries(3):
        waiting = moderation_waiting(viewer=moderator)

    assert waiting is not None
    assert (waiting.queue, waiting.affiliations, waiting.disclosures) == (1, 1, 1)
    assert waiting.total == 3


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "vendor_rep_a"])
def test_header_for_others_has_no_moderate_link(client, people, role):
    person = people[role]
    if person is not None:
        client.force_login(person)
    html = client.get("/vendors/").content.decode()
    assert "site-account__moderate" not in html
    assert moderation_waiting(viewer=person) is None


def test_header_for_representative_links_vendor_tools(client, vendor_rep_a):
    client.force_login(vendor_rep_a)
    html = client.get("/").content.decode()
    assert f'<a href="{reverse("vendors:workspace")}">Vendor tools</a>' in html


def test_header_for_library_worker_has_account_menu_without_vendor_tools(
    client, library_worker
):
    client.force_login(library_worker)
    html = client.get("/").content.decode()
    assert "Vendor tools" not in html
    assert '<details class="header-menu account-menu">' in html
    assert f'<a href="{reverse("members:account")}">Your account</a>' in html
    # The phone menu holds the primary links too and needs no JavaScript.
    assert '<details class="header-menu site-menu">' in html


def test_header_for_anonymous_has_no_csrf_token_so_pages_stay_shareable(client):
    html = client.get("/discussions/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert '<details class="header-menu site-menu">' in html
    assert "Sign in" in html


def test_notifications_panel_by_htmx_is_the_latest_few_only(
    client, library_worker, spaces
):
    # given: ten notifications
    for _ in range(10):
        topic = TopicFactory(space=spaces["public"])
        Notification.objects.create(
            user=library_worker,
            kind=NotificationKind.REPLY,
            topic=topic,
            post=PostFactory(topic=topic),
        )
    client.force_login(library_worker)

    # when
    panel = client.get(NOTIFICATIONS_URL + "?panel=1", headers={"HX-Request": "true"})
    page = client.get(NOTIFICATIONS_URL + "?panel=1")

    # then: htmx gets a fragment of eight; without htmx the full page answers
    body = panel.content.decode()
    assert "<html" not in body
    assert "Latest notifications" in body
    assert body.count('class="notification notification--unread"') == 8
    assert f'href="{NOTIFICATIONS_URL}">All notifications' in body
    assert panel["Vary"].count("HX-Request")
    assert "<html" in page.content.decode()
    assert page.content.decode().count("notification--unread") == 10


def test_notifications_panel_needs_sign_in(client):
    response = client.get(
        NOTIFICATIONS_URL + "?panel=1", headers={"HX-Request": "true"}
    )
    assert response.status_code == 302

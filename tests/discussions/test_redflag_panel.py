"""The red flag panel shows the vendor's response and the roadmap item it links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from discussions import selectors, services
from discussions.models import Topic
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import MembershipFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors import services as vendor_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


@pytest.fixture
def answered_flag(library_worker, public_space, product_a, vendor_rep_a, moderator):
    flag = services.topic_create(
        actor=library_worker,
        space=public_space,
        kind="red_flag",
        title="Loans kept forever",
        body="The contract keeps loan history without limit.",
        product=product_a,
        clause_reference="4.2",
    )
    item = vendor_services.roadmap_item_create(
        product=product_a,
        actor=vendor_rep_a,
        title="Purge loan history",
        target_quarter="2027-Q1",
    )
    vendor_services.roadmap_item_change_status(
        item=item, actor=vendor_rep_a, status="in_progress"
    )
    services.red_flag_respond(
        actor=vendor_rep_a, topic=flag, body="We purge loans.", roadmap_item=item
    )
    services.red_flag_release(topic=flag, actor=moderator, reason="Answered.")
    flag.refresh_from_db()
    return flag, item


def _panel(html: str) -> str:
    match = re.search(r'<section class="redflag-panel.*?</section>', html, re.S)
    assert match
    return match.group(0)


@pytest.fixture
def other_worker(library: Any) -> Any:
    user = UserFactory(email="other@riverside-library.example")
    MembershipFactory(user=user, organisation=library)
    return user


@pytest.mark.parametrize("signed_in", [False, True])
def test_red_flag_panel_links_the_roadmap_item_of_the_response(
    answered_flag, other_worker, signed_in
):
    flag, item = answered_flag
    client = Client()
    if signed_in:
        client.force_login(other_worker)

    response = client.get(flag.get_absolute_url())
    assert response.status_code == 200, response.get("Location")
    panel = _panel(response.content.decode())

    assert "read the response</a>" in panel
    assert f"/vendors/vendor-a/stacks/#roadmap-{item.pk}" in panel
    assert "Purge loan history" in panel
    assert "badge--in_progress" in panel
    assert "2027-Q1" in panel


def test_red_flag_response_selector_hides_a_response_the_viewer_cannot_read(
    answered_flag, library_worker, moderator
):
    flag, _item = answered_flag
    post = flag.posts.get(is_vendor_response=True)
    services.post_hide(actor=moderator, post=post, reason="Off topic")

    assert selectors.red_flag_response(viewer=library_worker, topic=flag) is None
    shown = selectors.red_flag_response(viewer=moderator, topic=flag)
    assert shown is not None
    assert shown.post.pk == post.pk


def test_red_flag_response_selector_is_one_query_and_none_for_other_topics(
    answered_flag, library_worker, django_assert_num_queries
):
    flag, item = answered_flag
    topic = Topic.objects.get(pk=flag.pk)

    with django_assert_num_queries(1):
        response = selectors.red_flag_response(viewer=library_worker, topic=topic)
    assert response.roadmap_item.pk == item.pk
    topic.kind = "question"
    with django_assert_num_queries(0):
        assert selectors.red_flag_response(viewer=library_worker, topic=topic) is None

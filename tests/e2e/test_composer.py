"""The composer in a real browser: preview, @ suggestions, type fields, drafts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from discussions.models import Post
from tests.e2e.checks import serious_axe_findings, sign_in
from tests.e2e.conftest import new_logged_page
from tests.factories import SpaceFactory, TopicFactory, UserFactory
from tests.roles import *  # noqa: F403

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BODY = "**Retention** question for @Riverside Worker: see `logs`."


@pytest.fixture(autouse=True)
def _open_posting(settings: Any) -> None:
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


@pytest.fixture
def library_topic(library_worker: Any) -> Any:
    library_worker.display_name = "Riverside Worker"
    library_worker.save(update_fields=["display_name"])
    space = SpaceFactory(name="Library workers", visibility="library_workers")
    return TopicFactory(space=space, title="Circulation logs", with_posts=1)


def test_preview_shows_the_html_the_reply_gets(
    live_server, page, settings, library_worker, library_topic
):
    sign_in(page, live_server, settings, library_worker)
    page.goto(live_server.url + library_topic.get_absolute_url())
    area = page.get_by_role("textbox", name="Your reply")
    area.fill(BODY)

    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".composer-preview__body")
    preview.wait_for()
    shown = preview.inner_html().strip()
    assert page.url.endswith(library_topic.get_absolute_url())  # stayed in place
    assert serious_axe_findings(page) == []
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()

    post = Post.objects.filter(topic=library_topic).order_by("-number").first()
    assert post is not None
    assert post.body == BODY
    assert shown == post.body_html.strip()
    assert page.cop_log.csp_violations == []


def test_mention_suggestions_never_offer_a_member_who_cannot_read_the_topic(
    live_server, page, settings, library_worker, library_topic, moderator
):
    # given: someone named alike who is no library worker
    UserFactory(display_name="Riverside Outsider")
    sign_in(page, live_server, settings, moderator)
    page.goto(live_server.url + library_topic.get_absolute_url())
    area = page.get_by_role("textbox", name="Your reply")

    # when
    area.click()
    area.type("Asking @Rivers")
    options = page.get_by_role("option")
    options.first.wait_for()

    # then
    assert options.all_inner_texts() == ["Riverside Worker"]
    page.keyboard.press("Enter")
    assert area.input_value() == 'Asking @"Riverside Worker" '


def test_red_flag_fields_show_only_for_red_flags_and_a_draft_survives_leaving(
    live_server, page, settings, moderator
):
    space = SpaceFactory(name="Open questions", visibility="public")
    sign_in(page, live_server, settings, moderator)
    url = live_server.url + reverse(
        "discussions:topic_new", kwargs={"slug": space.slug}
    )
    page.goto(url)
    document = page.get_by_role("group", name="The document (red flags only)")

    page.get_by_label("Type", exact=True).select_option("general")
    assert document.is_hidden()
    page.get_by_label("Type", exact=True).select_option("red_flag")
    assert document.is_visible()
    assert serious_axe_findings(page) == []

    page.get_by_label("Title").fill("Clause 7 allows resale")
    page.get_by_label("Your post").fill("The contract says *any* purpose.")
    page.wait_for_timeout(600)  # the draft is saved after a pause in typing
    page.goto(live_server.url + "/discussions/")
    page.goto(url)

    assert page.get_by_label("Your post").input_value() == (
        "The contract says *any* purpose."
    )
    assert page.get_by_label("Title").input_value() == "Clause 7 allows resale"
    assert page.get_by_text("Your unsent draft was restored").is_visible()


@pytest.mark.parametrize("width", [375, 320])
def test_composer_fits_a_phone(
    browser, live_server, settings, library_worker, library_topic, width
):
    page, log = new_logged_page(browser, viewport={"width": width, "height": 800})
    try:
        sign_in(page, live_server, settings, library_worker)
        page.goto(
            live_server.url
            + reverse("discussions:post_reply", kwargs={"topic_id": library_topic.pk})
        )
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert serious_axe_findings(page) == []
        assert log.csp_violations == []
    finally:
        page.context.close()

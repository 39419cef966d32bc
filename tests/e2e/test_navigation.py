"""Every role finds its work from the header, on a desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.e2e.checks import (
    header_height,
    horizontal_overflow,
    serious_axe_findings,
    sign_in,
)
from tests.e2e.conftest import new_logged_page
from tests.factories import PostFactory, SpaceFactory, TagFactory, TopicFactory
from tests.roles import *  # noqa: F403
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data
EVERY_SECTION = ["/", "/discussions/", "/vendors/", "/criteria/", "/members/me/"]


@pytest.fixture
def exempt_from_conduct(settings: Any) -> None:
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]


def test_moderator_reaches_the_queue_in_one_click_from_any_page(
    live_server, page, settings, moderator, exempt_from_conduct
):
    # given: something waits in the queue
    topic = TopicFactory(space=SpaceFactory(), review_state="pending")
    PostFactory(topic=topic, number=1, review_state="pending")
    sign_in(page, live_server, settings, moderator)
    queue = live_server.url + reverse("discussions:moderation_queue")

    for path in EVERY_SECTION:
        # when
        page.goto(live_server.url + path)
        link = page.get_by_role("link", name="Moderate 1 waiting")
        link.click()
        # then
        page.wait_for_url(queue)
        assert page.get_by_role("heading", level=1).inner_text() == "Moderation queue"


def test_representative_reaches_their_disclosure_in_two_clicks(
    live_server, page, settings, vendor_rep_a, product_a, exempt_from_conduct
):
    sign_in(page, live_server, settings, vendor_rep_a)
    editor = live_server.url + reverse(
        "vendors:disclosure_edit", kwargs={"product_id": product_a.pk}
    )
    for path in ["/", "/discussions/", "/members/me/"]:
        page.goto(live_server.url + path)
        page.get_by_role("link", name="Vendor tools").click()
        page.get_by_role(
            "link", name=f"Edit the disclosure of {product_a.name}"
        ).click()
        page.wait_for_url(editor)


def test_notifications_open_in_place_and_close_again(
    live_server, page, settings, library_worker, exempt_from_conduct
):
    space = SpaceFactory()
    topic = TopicFactory(space=space, title="Retention of circulation logs")
    from discussions.models import Notification, NotificationKind

    Notification.objects.create(
        user=library_worker,
        kind=NotificationKind.REPLY,
        topic=topic,
        post=PostFactory(topic=topic),
    )
    sign_in(page, live_server, settings, library_worker)
    page.goto(live_server.url + "/guides/")

    toggle = page.locator("#notifications-toggle")
    toggle.click()
    panel = page.locator("#notifications-panel")
    panel.get_by_role("heading", name="Latest notifications").wait_for()

    assert page.url == live_server.url + "/guides/"  # stayed on the page
    assert toggle.get_attribute("aria-expanded") == "true"
    assert "Retention of circulation logs" in panel.inner_text()
    assert serious_axe_findings(page) == []
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.cop_log.csp_violations == []
    assert page.cop_log.page_errors == []


def test_notifications_link_without_javascript_opens_the_full_page(
    browser, live_server, settings, library_worker, exempt_from_conduct
):
    page, _log = new_logged_page(browser, java_script_enabled=False)
    try:
        sign_in(page, live_server, settings, library_worker)
        page.goto(live_server.url + "/guides/")
        page.locator("#notifications-toggle").click()
        page.wait_for_url(live_server.url + reverse("discussions:notifications"))
    finally:
        page.context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_phone_header_is_one_line_with_a_menu_that_works_without_javascript(
    browser, live_server, settings, moderator, javascript, exempt_from_conduct
):
    page, log = new_logged_page(
        browser,
        viewport={"width": 375, "height": 700},
        java_script_enabled=javascript,
    )
    try:
        sign_in(page, live_server, settings, moderator)
        page.goto(live_server.url + "/discussions/")
        assert header_height(page) <= 64

        page.locator("summary", has_text="Menu").click()

        menu = page.locator("details.site-menu")
        assert menu.get_by_role("link", name="Guides").is_visible()
        menu.get_by_role("link", name="Moderate").click()
        page.wait_for_url(live_server.url + reverse("discussions:moderation_queue"))
        assert log.csp_violations == []
    finally:
        page.context.close()


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "moderator"])
@pytest.mark.parametrize("width", [1280, 375, 320])
def test_header_fits_and_passes_axe(
    browser, live_server, settings, people, role, width, exempt_from_conduct
):
    # Topics with replies, so that Latest and Top this month list rows.
    space = SpaceFactory(name="Open questions", visibility="public")
    for kind in ("question", "red_flag", "general"):
        TopicFactory(space=space, kind=kind, with_posts=3).tags.add(TagFactory())
    page, log = new_logged_page(browser, viewport={"width": width, "height": 800})
    try:
        if people[role] is not None:
            sign_in(page, live_server, settings, people[role])
        paths = ["/discussions/", "/discussions/top/"]
        for path in [*paths, "/members/me/"] if people[role] else ["/", *paths]:
            page.goto(live_server.url + path)
            assert horizontal_overflow(page) <= 0, path
            if width < 1000:
                assert header_height(page) <= 64, path
                page.locator("summary", has_text="Menu").click()
            else:
                assert page.locator("details.site-menu").is_hidden()
            assert serious_axe_findings(page) == [], path
            shot = f"header-{role}-{width}{path.replace('/', '-')}.png"
            page.screenshot(path=f"{SCREENSHOT_DIR}/{shot}")
        assert log.csp_violations == []
    finally:
        page.context.close()

"""The discussions in a real browser: composing, replying, similar topics, safety.

Every page is checked for CSP violations, requests to other origins and script
execution from member content (a dialog would mean an XSS payload ran).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    SpaceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

XSS_BODY = (
    "**Bold claim** about retention.\n\n"
    "<script>alert('x')</script> <img src=x onerror=alert(1)> "
    "[click](javascript:alert(2)) <svg onload=alert(3)>"
)


def _sign_in(page: Any, live_server: Any, settings: Any, user: Any) -> None:
    # A server-made session is the same sign-in as the login form for these tests.
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _fail_on_dialog(page: Any) -> list[str]:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return dialogs


@pytest.fixture
def worker(settings: Any) -> Any:
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    library = OrganisationFactory(kind="library", slug="riverbend")
    user = UserFactory(
        email="reader@riverbend.example", display_name="Riverbend Reader"
    )
    MembershipFactory(user=user, organisation=library)
    return user


def test_member_starts_topic_and_replies_without_csp_violations_or_xss(
    live_server: Any, page: Any, settings: Any, worker: Any
) -> None:
    # given
    space = SpaceFactory(
        name="Licensing questions", slug="licensing", visibility="public"
    )
    _sign_in(page, live_server, settings, worker)
    dialogs = _fail_on_dialog(page)
    # when: the member starts a topic with Markdown and hostile HTML
    page.goto(f"{live_server.url}/discussions/s/{space.slug}/new/")
    page.fill("#id_title", "Does the e-book platform keep loan history?")
    page.fill("#id_body", XSS_BODY)
    page.fill("#id_tags", "retention, e-books")
    page.get_by_role("button", name="Start the topic").click()
    page.wait_for_load_state("networkidle")
    # then: the topic page shows the rendered body, inert
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Does the e-book platform keep loan history?"
    )
    assert page.locator("article strong", has_text="Bold claim").count() == 1
    assert page.locator("article script").count() == 0
    assert page.locator("article img").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    # when: the member replies from the form at the bottom
    page.fill("form[action$='/reply/'] textarea", "A follow-up with *emphasis*.")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state("networkidle")
    # then
    assert page.locator("article em", has_text="emphasis").count() == 1
    log = page.cop_log
    assert dialogs == []
    assert log.csp_violations == []
    assert log.page_errors == []
    assert log.foreign_requests(live_server.url) == []


def test_similar_topics_appear_while_typing_a_title(
    live_server: Any, page: Any, settings: Any, worker: Any
) -> None:
    # given: an existing topic with a similar title
    space = SpaceFactory(
        name="Licensing questions", slug="licensing", visibility="public"
    )
    TopicFactory(
        space=space, title="Patron loan history retention in e-book apps", with_posts=1
    )
    _sign_in(page, live_server, settings, worker)
    # when: typing a title (htmx asks for suggestions after a pause)
    page.goto(f"{live_server.url}/discussions/s/{space.slug}/new/")
    page.locator("#id_title").press_sequentially("loan history retention", delay=20)
    # then
    suggestion = page.locator(
        "#similar-topics a", has_text="Patron loan history retention"
    )
    suggestion.wait_for(timeout=10_000)
    assert page.cop_log.csp_violations == []


def test_anonymous_reader_gets_topic_without_cookies_and_narrow_screen_fits(
    live_server: Any, browser: Any
) -> None:
    from tests.e2e.conftest import new_logged_page

    space = SpaceFactory(
        name="Licensing questions", slug="licensing", visibility="public"
    )
    topic = TopicFactory(
        space=space, title="A public question about vendor analytics", with_posts=3
    )
    page, log = new_logged_page(browser, viewport={"width": 320, "height": 700})
    try:
        response = page.goto(live_server.url + topic.get_absolute_url())
        assert response.status == 200
        assert page.get_by_role("heading", level=1).inner_text() == topic.title
        assert page.context.cookies() == []
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= 320
        assert log.csp_violations == []
        assert log.foreign_requests(live_server.url) == []
    finally:
        page.context.close()

"""The public layout in a real browser: landmarks, keyboard, CSP, privacy, small screens."""

from __future__ import annotations

import pytest

from tests.e2e.checks import horizontal_overflow, serious_axe_findings
from tests.e2e.conftest import new_logged_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data


def test_home_page_has_landmarks_and_skip_link(live_server, page):
    page.goto(live_server.url + "/")

    assert page.locator("header").count() == 1
    assert page.get_by_role("navigation", name="Primary").is_visible()
    assert page.locator("main#main").count() == 1
    assert page.locator("footer").count() == 1
    assert page.get_by_role("heading", level=1).is_visible()
    nav_links = page.get_by_role("navigation", name="Primary").get_by_role("link")
    assert nav_links.all_inner_texts() == [
        "Home",
        "Guides",
        "Events",
        "Discussions",
        "Vendors",
        "Privacy criteria",
        "Organisations",
    ]
    assert (
        page.get_by_role("link", name="Home", exact=True).get_attribute("aria-current")
        == "page"
    )
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert page.get_by_role("link", name="Sign up").is_visible()


def test_home_page_first_tab_focuses_visible_skip_link(live_server, page):
    page.goto(live_server.url + "/")
    skip = page.get_by_role("link", name="Skip to main content")
    assert not skip.is_visible() or skip.bounding_box()["y"] < 0  # hidden until focused

    page.keyboard.press("Tab")

    focused = page.evaluate(
        "() => [document.activeElement.textContent.trim(), "
        "getComputedStyle(document.activeElement).outlineStyle, "
        "document.activeElement.getBoundingClientRect().top]"
    )
    assert focused[0] == "Skip to main content"
    assert focused[1] == "solid"  # the focus ring is drawn
    assert focused[2] >= 0  # and the link has moved into view
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_home_page_loads_only_own_origin_without_csp_violations(live_server, page):
    log = page.cop_log

    response = page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert log.requests, "no request was recorded at all"
    assert log.foreign_requests(live_server.url) == []
    assert log.csp_violations == []
    assert log.page_errors == []
    assert [line for line in log.console if line.startswith("error")] == []
    assert page.evaluate("() => typeof window.htmx") == "object"  # self-hosted htmx ran
    assert page.context.cookies() == []  # an anonymous reader gets no cookie


def test_not_found_page_renders_site_layout(live_server, page):
    response = page.goto(live_server.url + "/no-such-page/")

    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert page.get_by_role("navigation", name="Primary").is_visible()
    assert page.cop_log.csp_violations == []


def test_home_page_without_javascript_is_complete(live_server, browser):
    page, log = new_logged_page(browser, java_script_enabled=False)
    try:
        page.goto(live_server.url + "/")

        assert page.get_by_role("heading", level=1).is_visible()
        assert page.get_by_role("navigation", name="Primary").is_visible()
        assert page.get_by_role("link", name="Sign in").is_visible()
        assert log.foreign_requests(live_server.url) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_home_page_on_narrow_screen_has_no_horizontal_scroll(
    live_server, browser, width
):
    page, _log = new_logged_page(
        browser, viewport={"width": width, "height": 740}, is_mobile=True
    )
    try:
        page.goto(live_server.url + "/")

        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll_width <= width
        # On a phone the header is one line; its links are behind the "Menu".
        header = page.evaluate(
            "() => document.querySelector('.site-header').getBoundingClientRect().height"
        )
        assert header <= 64
        page.locator("summary", has_text="Menu").click()
        menu = page.locator("details.site-menu")
        assert menu.get_by_role("link", name="Organisations").is_visible()
    finally:
        page.context.close()


def test_home_page_screenshots_for_review(live_server, browser):
    """Save desktop, mobile and dark-mode screenshots to /tmp for a human look."""
    shots = {
        "cop-home-desktop.png": {"viewport": {"width": 1280, "height": 900}},
        "cop-home-mobile.png": {
            "viewport": {"width": 375, "height": 800},
            "is_mobile": True,
        },
        "cop-home-dark.png": {
            "viewport": {"width": 1280, "height": 900},
            "color_scheme": "dark",
        },
    }
    for name, options in shots.items():
        page, log = new_logged_page(browser, **options)
        try:
            page.goto(live_server.url + "/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=f"{SCREENSHOT_DIR}/{name}", full_page=True)
            assert log.csp_violations == []
        finally:
            page.context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_wide_tables_on_a_phone_scroll_by_keyboard(live_server, browser, width):
    """A table wider than the phone scrolls in a region the keyboard can reach."""
    page, _log = new_logged_page(
        browser, viewport={"width": width, "height": 740}, is_mobile=True
    )
    try:
        page.goto(live_server.url + "/transparency/")
        regions = page.locator(".table-scroll")
        assert regions.count() == 3
        for index in range(regions.count()):
            region = regions.nth(index)
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
        assert serious_axe_findings(page) == []
        assert horizontal_overflow(page) == 0
    finally:
        page.context.close()

"""The account page and the notification settings in a real browser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discussions.models import DiscussionSettings
from tests.e2e.checks import horizontal_overflow, serious_axe_findings, sign_in
from tests.e2e.conftest import new_logged_page
from tests.roles import *  # noqa: F403

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SETTINGS = reverse("discussions:notification_settings")


@pytest.fixture(autouse=True)
def _exempt_from_conduct(settings):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]


def test_member_changes_digest_time_zone_by_choosing_from_the_list(
    browser, live_server, settings, library_worker
):
    # given: a browser in Tokyo, a member who never chose a zone
    page, log = new_logged_page(
        browser, viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo"
    )
    try:
        sign_in(page, live_server, settings, library_worker)
        page.goto(live_server.url + reverse("members:account"))
        page.get_by_role(
            "link", name="Change follows, e-mails, digest and time zone"
        ).click()
        page.wait_for_url(live_server.url + SETTINGS)
        page.wait_for_load_state()
        zone = page.get_by_label("Time zone", exact=True)
        # then: the browser's zone is preselected
        assert zone.input_value() == "Asia/Tokyo"

        # when: the member looks for Lisbon and keeps the match
        page.get_by_label("Find a time zone (type a city or region)").fill("lisb")
        assert zone.input_value() == "Europe/Lisbon"
        assert serious_axe_findings(page) == []
        page.get_by_role("button", name="Save settings").click()

        # then
        page.get_by_text("Your notification settings were saved.").wait_for()
        row = DiscussionSettings.objects.get(user=library_worker)
        assert row.time_zone == "Europe/Lisbon"
        assert page.get_by_label("Time zone", exact=True).input_value() == (
            "Europe/Lisbon"
        )
        assert log.csp_violations == []
        assert log.page_errors == []
    finally:
        page.context.close()


def test_member_chooses_a_zone_without_javascript(
    browser, live_server, settings, library_worker
):
    page, _log = new_logged_page(browser, java_script_enabled=False)
    try:
        sign_in(page, live_server, settings, library_worker)
        page.goto(live_server.url + SETTINGS)
        page.get_by_label("Time zone", exact=True).select_option("America/Chicago")
        page.get_by_role("button", name="Save settings").click()
        page.get_by_text("Your notification settings were saved.").wait_for()
        assert (
            DiscussionSettings.objects.get(user=library_worker).time_zone
            == "America/Chicago"
        )
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 375, 320])
def test_settings_pages_fit_and_pass_axe(
    browser, live_server, settings, library_worker, width
):
    page, log = new_logged_page(browser, viewport={"width": width, "height": 800})
    try:
        sign_in(page, live_server, settings, library_worker)
        for path in [
            reverse("members:account"),
            SETTINGS,
            reverse("discussions:reading_settings"),
            reverse("members:profile_edit"),
        ]:
            page.goto(live_server.url + path)
            assert horizontal_overflow(page) <= 0, path
            assert serious_axe_findings(page) == [], path
        assert log.csp_violations == []
    finally:
        page.context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_follow_menu_sets_the_level_in_one_choice(
    browser, live_server, settings, library_worker, javascript
):
    from discussions.models import Subscription
    from tests.factories import SpaceFactory

    space = SpaceFactory(name="Open questions", visibility="public")
    page, log = new_logged_page(
        browser, viewport={"width": 375, "height": 800}, java_script_enabled=javascript
    )
    try:
        sign_in(page, live_server, settings, library_worker)
        page.goto(live_server.url + space.get_absolute_url())
        menu = page.locator("details.follow-menu")
        menu.locator("summary").click()
        if javascript:
            assert serious_axe_findings(page) == []
        menu.get_by_role("button", name="Watching: every new post or change").click()
        page.locator(".follow-menu__state", has_text="Watching").wait_for()
        assert page.url == live_server.url + space.get_absolute_url()
        assert (
            Subscription.objects.get(user=library_worker, space=space).level
            == "watching"
        )
        assert log.csp_violations == []
    finally:
        page.context.close()

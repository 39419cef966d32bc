"""The header is one line on a 1280 px screen, for the role with the most links."""

from __future__ import annotations

from typing import Any

import pytest

from cop.members.models import Membership, Organisation
from tests.e2e.checks import sign_in
from tests.e2e.conftest import new_logged_page
from tests.factories import MembershipFactory, OrganisationFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _signed_in(browser: Any, live_server: Any, settings: Any, user: Any) -> Any:
    page, _log = new_logged_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, settings, user)
    return page


def test_header_is_one_line_at_1280_for_a_moderator(
    live_server, browser, settings, moderator
):
    # The widest header: work waits (a count beside "Moderate") and vendor tools.
    MembershipFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.VENDOR),
        status=Membership.Status.REQUESTED,
    )
    page = _signed_in(browser, live_server, settings, moderator)
    try:
        page.goto(live_server.url + "/discussions/")
        height = page.evaluate(
            "() => document.querySelector('.site-header').getBoundingClientRect().height"
        )
        page.screenshot(path="/tmp/cop-header-1280.png")  # noqa: S108 - for a human look
        assert page.get_by_role("link", name="Moderate 1 waiting").is_visible()
        assert page.get_by_role("link", name="Vendor tools").is_visible()
        assert page.get_by_role("link", name="Organisations").first.is_visible()
        # One line is about 72 px (border, padding, the account button); two were 121.
        assert height < 90, height
    finally:
        page.context.close()

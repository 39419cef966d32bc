"""A moderator onboards a vendor, its product and its representative in the browser.

The vendor and the product are created in the Wagtail admin, the representative is
invited by e-mail, and the invitee accepts the link and reaches the vendor tools.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse

from cop.members import permissions
from cop.members.models import Organisation
from tests.e2e.checks import sign_in
from tests.e2e.conftest import new_logged_page
from tests.factories import (
    TotpAuthenticatorFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Product

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data


def _signed_in(browser: Any, live_server: Any, settings: Any, user: Any) -> Any:
    page, _log = new_logged_page(browser, viewport={"width": 1280, "height": 900})
    sign_in(page, live_server, settings, user)
    return page


def _submit(page: Any) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def test_moderator_onboards_a_vendor_with_a_product_and_invites_its_representative(
    live_server, browser, settings, criteria, moderator
):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    mod = _signed_in(browser, live_server, settings, moderator)

    # the vendor
    mod.goto(live_server.url + reverse("organisations:add"))
    mod.select_option("#id_kind", "vendor")
    mod.fill("#id_name", "Shelf Systems")
    mod.fill("#id_slug", "shelf-systems")
    mod.fill("#id_website", "https://shelf.example/")
    _submit(mod)
    org = Organisation.objects.get(slug="shelf-systems")

    # its product
    mod.goto(live_server.url + reverse("wagtailsnippets_vendors_product:add"))
    mod.select_option("#id_organisation", label="Shelf Systems")
    mod.fill("#id_name", "Shelf Cloud")
    mod.fill("#id_slug", "shelf-cloud")
    mod.select_option("#id_product_type", "lms")
    _submit(mod)
    product = Product.objects.get(organisation=org, slug="shelf-cloud")

    # the invitation, from the affiliation queue
    mod.goto(live_server.url + reverse("community:affiliation_queue"))
    mod.get_by_role("link", name="Invite a vendor's representative").click()
    mod.wait_for_load_state()
    mod.select_option("#id_organisation", label="Shelf Systems")
    mod.fill("#id_email", "sam@shelf.example")
    mod.fill("#id_message", "Welcome aboard.")
    mod.get_by_role("button", name="Send the invitation").click()
    mod.wait_for_load_state()
    assert "Invitation sent to sam@shelf.example." in mod.content()
    mod.screenshot(path=f"{SCREENSHOT_DIR}/vedit-invite-1280.png")
    assert mod.cop_log.csp_violations == []

    # the invitee accepts and reaches the product's disclosure editor
    found = re.search(r"https?://\S+/members/invitations/\S+/", mail.outbox[-1].body)
    assert found is not None
    sam = UserFactory(email="sam@shelf.example")
    VerifiedEmailAddressFactory(user=sam)
    TotpAuthenticatorFactory(user=sam)
    rep = _signed_in(browser, live_server, settings, sam)
    rep.goto(live_server.url + urlsplit(found.group(0)).path)
    rep.get_by_role("button", name="Accept and represent Shelf Systems").click()
    rep.wait_for_load_state()
    assert "You now represent Shelf Systems" in rep.content()
    assert permissions.is_verified_vendor_rep(sam, org)
    rep.get_by_role("link", name="Vendor tools").first.click()
    rep.wait_for_load_state()
    assert "Edit the disclosure of Shelf Cloud" in rep.content()
    rep.goto(
        live_server.url
        + reverse("vendors:disclosure_edit", kwargs={"product_id": product.pk})
    )
    assert "Disclosure of Shelf Cloud" in rep.content()
    assert rep.cop_log.csp_violations == []

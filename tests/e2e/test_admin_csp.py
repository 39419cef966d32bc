"""The Wagtail admin works under its scoped Content-Security-Policy.

This test is also how ``settings.CSP_ADMIN_DIRECTIVES`` was measured: drop a source
from it and a violation shows up here.
"""

from __future__ import annotations

import io

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from PIL import Image
from wagtail.models import Page

from cop.guides.models import HomePage
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 88, 115)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_page(live_server, page, settings):
    """Return ``page`` signed in as a superuser with a second factor."""
    # The code-of-conduct gate is another feature's concern; keep it out of the way.
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    Authenticator.objects.create(
        user=admin, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    # Signing in through the form would need a TOTP code; a server-made session is
    # the same sign-in for the purpose of this test.
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page


def _visit(page, url: str) -> None:
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, url
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"]
        .split("script-src")[1]
        .split(";")[0]
    )


def test_admin_dashboard_explorer_and_editor_have_no_csp_violations(
    live_server, admin_page
):
    # given
    page, log = admin_page, admin_page.cop_log
    home = HomePage.objects.get()
    root = Page.objects.get(depth=1)

    # when: the dashboard, the page explorer and the home page editor
    _visit(page, f"{live_server.url}/admin/")
    assert page.title() == "Dashboard - Wagtail"
    _visit(page, f"{live_server.url}/admin/pages/{root.pk}/")
    _visit(page, f"{live_server.url}/admin/pages/{home.pk}/")
    _visit(page, f"{live_server.url}/admin/pages/{home.pk}/edit/")
    page.locator(".DraftEditor-root").click()
    page.keyboard.type("Vendors publish their privacy practices.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" In bold.")
    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    preview_heading = preview.get_by_role("heading", level=1).inner_text()
    page.wait_for_load_state("networkidle")
    page.locator("button[data-side-panel-toggle='status']").click()
    page.get_by_role("button", name="Set schedule").click()
    page.locator("#id_go_live_at").click()
    page.locator(".xdsoft_datetimepicker").first.wait_for()

    # then
    assert "In bold." in page.locator(".DraftEditor-root").inner_text()
    assert preview_heading == "cop"  # the public template, rendered in the admin
    assert log.csp_violations == []
    assert log.page_errors == []
    assert log.foreign_requests(live_server.url) == []


def test_admin_image_upload_has_no_csp_violations(live_server, admin_page, tmp_path):
    # given
    page, log = admin_page, admin_page.cop_log
    image = tmp_path / "vendor-logo.png"
    image.write_bytes(_png_bytes())

    # when
    _visit(page, f"{live_server.url}/admin/images/multiple/add/")
    page.locator("input[type=file]").set_input_files(str(image))
    page.get_by_role("button", name="Update").first.wait_for()

    # then
    assert log.csp_violations == []
    assert log.page_errors == []
    assert log.foreign_requests(live_server.url) == []

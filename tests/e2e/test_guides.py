"""Guides and standard pages in a real browser: no CSP violation, nothing foreign, fits a phone."""

from __future__ import annotations

from io import StringIO

import pytest

from cop.guides.seeding import seed_guides
from cop.privacy.services import reference_data_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data
PATHS = [
    "/",
    "/guides/",
    "/guides/evaluating-a-vendors-privacy-practices/",
    "/guides/?tag=audit",
    "/privacy/",
    "/law-enforcement-requests/",
    "/guides/library-management-system-checklist/",
    "/events/",
    "/events/privacy-clinic-annual-conference/",
    "/working-groups/",
    "/working-groups/vendor-privacy/",
]


@pytest.mark.parametrize("width", [1280, 375])
def test_guides_pages_render_cleanly(live_server, page, width):
    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    page.set_viewport_size({"width": width, "height": 900})
    log = page.cop_log
    for path in PATHS:
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        # nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
        page.screenshot(
            path=f"{SCREENSHOT_DIR}/cop-guides-{name}-{width}.png", full_page=True
        )
    assert log.csp_violations == []
    assert log.foreign_requests(live_server.url) == []
    assert log.page_errors == []
    assert page.context.cookies() == []


def test_guide_index_filter_and_breadcrumbs(live_server, page):
    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    page.goto(live_server.url + "/guides/")
    page.get_by_role("navigation", name="Filter guides by topic").get_by_role(
        "link", name="Audit"
    ).click()
    cards = page.locator(".guide-list .card h2")
    assert cards.all_inner_texts() == [
        "Running a privacy audit of your library systems"
    ]
    cards.first.get_by_role("link").click()
    crumbs = page.get_by_role("navigation", name="Breadcrumbs")
    assert crumbs.get_by_role("link").all_inner_texts() == ["Home", "Guides"]
    assert page.get_by_text("Last reviewed on").is_visible()


def test_moderator_guide_editor_has_no_csp_violations(live_server, page, settings):
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Group
    from django.test import Client

    from cop.guides.models import GuideIndexPage, GuidePage
    from tests.factories import UserFactory

    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    moderator = UserFactory(email="moderator@example.org")
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    Authenticator.objects.create(
        user=moderator,
        type=Authenticator.Type.TOTP,
        data={"secret": "JBSWY3DPEHPK3PXP"},
    )
    client = Client()
    client.force_login(moderator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    log = page.cop_log
    guide = GuidePage.objects.get(slug="evaluating-a-vendors-privacy-practices")
    index = GuideIndexPage.objects.get()
    for url in (
        f"/admin/pages/{guide.pk}/edit/",
        f"/admin/pages/add/guides/guidepage/{index.pk}/",
    ):
        response = page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, url
    page.goto(live_server.url + f"/admin/pages/{guide.pk}/edit/")
    page.locator("button[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("iframe#w-preview-iframe")
    assert "Evaluating" in preview.get_by_role("heading", level=1).inner_text()
    page.screenshot(path=f"{SCREENSHOT_DIR}/cop-guides-editor.png", full_page=False)
    assert log.csp_violations == []
    assert log.page_errors == []
    assert log.foreign_requests(live_server.url) == []

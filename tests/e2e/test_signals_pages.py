"""Community signals pages in a real browser: what libraries ask for, trends, dashboards.

The demo seeding gives shown and "fewer than 5" cells. Desktop and phone widths: no
CSP violation, no script error, nothing wider than the viewport, axe without serious
or critical findings, and the charts carry their text alternative.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from cop.core.seeding import SCALE_DEMO
from cop.members.seeding import seed_members
from tests.e2e.conftest import new_logged_page
from tests.e2e.test_vendor_pages import _overflowing, _serious_axe_findings
from vendors.seeding import seed_vendors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLIC_PAGES = {
    "community": "/priorities/",
    "product": "/vendors/larchmont-library-systems/larchmont-stacks/",
    "vendor": "/vendors/larchmont-library-systems/",
}
#: The vendor's own dashboard (its representative), with the responsiveness tables.
VENDOR_PAGES = {
    "dashboard": "/vendors/tools/signals/larchmont-library-systems/",
}
WORKER_PAGES = {
    "own-priorities": "/vendors/larchmont-library-systems/larchmont-stacks/priorities/",
    "type-priorities": "/priorities/types/discovery/",
}


@pytest.fixture
def demo(db: Any) -> None:
    seed_members(scale=SCALE_DEMO, stdout=io.StringIO())
    seed_vendors(scale=SCALE_DEMO, stdout=io.StringIO())


def _session_cookie(live_server: Any, settings: Any, email: str) -> dict[str, str]:
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }


def test_signals_pages_pass_axe_csp_and_fit_the_screen(
    live_server, browser, settings, demo
):
    worker = _session_cookie(live_server, settings, "library@example.org")
    pages = [(name, path, None) for name, path in PUBLIC_PAGES.items()]
    pages += [(name, path, worker) for name, path in WORKER_PAGES.items()]
    vendor = _session_cookie(live_server, settings, "vendor-a@example.org")
    pages += [(name, path, vendor) for name, path in VENDOR_PAGES.items()]
    problems = {}
    for name, path, cookie in pages:
        for width in (1280, 320):
            page, log = new_logged_page(
                browser, viewport={"width": width, "height": 900}
            )
            try:
                if cookie:
                    page.context.add_cookies([cookie])
                response = page.goto(live_server.url + path)
                page.screenshot(path=f"/tmp/cop-signals-{name}-{width}.png")  # noqa: S108
                found = {
                    "status": response.status if response.status != 200 else None,
                    "overflow": _overflowing(page),
                    "csp": log.csp_violations,
                    "errors": log.page_errors,
                    "axe": _serious_axe_findings(page),
                }
            finally:
                page.context.close()
            if any(found.values()):
                problems[f"{name}@{width}"] = found
    assert problems == {}


def test_charts_have_a_text_alternative(live_server, browser, demo):
    page, _log = new_logged_page(browser, viewport={"width": 1280, "height": 900})
    try:
        page.goto(live_server.url + PUBLIC_PAGES["product"])
        names = page.evaluate(
            """() => [...document.querySelectorAll('svg[role=img]')].map(svg =>
                svg.getAttribute('aria-labelledby').split(' ')
                    .map(id => document.getElementById(id).textContent).join(' '))"""
        )
    finally:
        page.context.close()
    assert names
    assert all("coverage" in name for name in names)

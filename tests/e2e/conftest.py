"""Fixtures for the browser tests: a headless Debian Chromium driven by Playwright.

Reuse ``browser`` (one Chromium per test session) and ``page`` (a fresh context per
test, with every request, console message and CSP violation recorded). Tests that use
them need ``live_server`` and
``@pytest.mark.django_db(transaction=True, serialized_rollback=True)``: the live server
runs in another thread, and without ``serialized_rollback`` Wagtail's root page and the
home page created by migrations vanish after the first transactional test.

Chromium is Debian's package (``apt-get install chromium chromium-driver``); Playwright's
own browser download is never used. Without ``/usr/bin/chromium`` the browser tests are
skipped, unless ``COP_REQUIRE_BROWSER=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread, which makes Django's
# async-safety guard refuse ORM calls made by fixtures and factories.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serve_one_request_at_a_time_on_sqlite() -> None:
    """Make the live server answer requests one after another on in-memory SQLite.

    The live server shares the test's in-memory SQLite connection with its request
    threads, so two overlapping requests (the admin's preview and its editing-session
    ping, say) fail with "database table is locked". PostgreSQL keeps the threaded
    server. Django closes each connection of a non-threaded server after the response.
    """
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class SerialWSGIServer(WSGIServer):
        def __init__(
            self, *args: Any, connections_override: Any = None, **kwargs: Any
        ) -> None:
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override or {}

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = SerialWSGIServer


_serve_one_request_at_a_time_on_sqlite()

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Reports every CSP violation of the page (and its frames) to the console in a form the
# ``page`` fixture recognises. Added as an init script, which CSP does not govern.
_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP-VIOLATION " + JSON.stringify({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  }));
});
"""


@dataclass
class PageLog:
    """What a page did while a test drove it."""

    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def foreign_requests(self, origin: str) -> list[str]:
        """Return the recorded request URLs that did not go to ``origin``."""
        return [
            url
            for url in self.requests
            if not (url.startswith(origin + "/") or url == origin)
            and not url.startswith(("data:", "blob:", "about:"))
        ]


@pytest.fixture(scope="session")
def browser(django_db_setup: None) -> Iterator[Any]:
    """Return one headless Chromium for the whole session (skip if it is missing)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
        if os.environ.get("COP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Playwright runs an event loop in this thread, so from now on Django keeps
        # database connections per context and hands out new connection objects.
        # Without the serialized test data on them, serialized_rollback restores
        # nothing and the migrations' data (Wagtail's root and home page) is gone
        # after the first transactional test.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def new_logged_page(browser: Any, **context_options: Any) -> tuple[Any, PageLog]:
    """Open a page in a fresh context that records requests, console and CSP events."""
    context = browser.new_context(**context_options)
    context.add_init_script(_VIOLATION_LISTENER)
    page = context.new_page()
    log = PageLog()
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))

    def on_console(message: Any) -> None:
        text = message.text
        if text.startswith("CSP-VIOLATION "):
            log.csp_violations.append(text.removeprefix("CSP-VIOLATION "))
        else:
            log.console.append(f"{message.type}: {text}")

    page.on("console", on_console)
    page.cop_log = log
    return page, log


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """Return a fresh desktop page; its recordings are in ``page.cop_log`` (a PageLog)."""
    new_page, _log = new_logged_page(browser, viewport={"width": 1280, "height": 800})
    try:
        yield new_page
    finally:
        new_page.context.close()


@pytest.fixture(autouse=True)
def _wagtail_site_tree(request: pytest.FixtureRequest) -> None:
    """Make sure Wagtail's root, the home page and the default site exist.

    serialized_rollback restores the migrations' data on SQLite, but on PostgreSQL a
    flush by an earlier transactional test can still leave the tree empty; rebuilding
    it here keeps every browser test independent of the order it runs in.
    """
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    from wagtail.models import Collection, Locale, Page, Site

    from cop.guides.models import HomePage

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    if HomePage.objects.exists() and Site.objects.filter(is_default_site=True).exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePage.objects.first() or root.add_child(
        instance=HomePage(
            title="cop",
            slug="home",
            locale=locale,
            intro="Library workers and library vendors making library user privacy better, together.",
        )
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": home,
            "site_name": "cop",
        },
    )

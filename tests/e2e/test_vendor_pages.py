"""Product and comparison pages in a real browser, as a library worker uses them.

Desktop (1280 px) and phone (375 px, 320 px) widths: nothing wider than the
viewport, no CSP violation, axe without serious or critical findings. Screenshots
land in /tmp for a human to look at.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from cop.core.seeding import SCALE_DEMO
from cop.members.seeding import seed_members
from tests.e2e.conftest import new_logged_page
from vendors.seeding import seed_vendors

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data
PRODUCT = "/vendors/larchmont-library-systems/larchmont-stacks/"
SIX = [
    "larchmont-library-systems/larchmont-stacks",
    "larchmont-library-systems/larchmont-stacks-schools",
    "brightwell-discovery/brightwell-search",
    "brightwell-discovery/brightwell-catalogue",
    "paperlantern-media/paperlantern-reader",
    "paperlantern-media/paperlantern-kids",
]
COMPARE_SIX = "/vendors/compare/?" + "&".join(f"p={key}" for key in SIX)


@pytest.fixture
def demo_vendors(db: Any) -> None:
    seed_members(scale=SCALE_DEMO, stdout=io.StringIO())
    seed_vendors(scale=SCALE_DEMO, stdout=io.StringIO())


def _serious_axe_findings(page: Any) -> list[str]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern
    # (a <script> tag would be refused, as it should be).
    page.evaluate(f"() => {{ {AXE.read_text(encoding='utf-8')} }}")
    result = page.evaluate("async () => await window.axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def _overflowing(page: Any) -> list[str]:
    """Return elements that stick out past the right edge of the viewport."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => {
            const r = e.getBoundingClientRect();
            const style = getComputedStyle(e);
            return r.width > 0 && r.right > window.innerWidth + 1
                && style.position !== 'absolute' && style.visibility !== 'hidden';
        }).slice(0, 5).map(e => e.tagName + '.' + e.className)"""
    )


def test_vendor_pages_fit_the_screen_without_csp_or_axe_problems(
    live_server, browser, demo_vendors
):
    # One test for every page and width: seeding the demo takes most of the time.
    problems = {}
    for name, path in (("product", PRODUCT), ("compare", COMPARE_SIX)):
        for width in (1280, 375, 320):
            page, log = new_logged_page(
                browser, viewport={"width": width, "height": 900}
            )
            try:
                response = page.goto(live_server.url + path)
                page.screenshot(path=f"{SCREENSHOT_DIR}/cop-{name}-{width}.png")
                found = {
                    "status": response.status if response.status != 200 else None,
                    "scroll": max(
                        0,
                        page.evaluate("() => document.documentElement.scrollWidth")
                        - width,
                    ),
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


def test_borrowing_history_is_answered_at_the_top_of_the_page(
    live_server, page, demo_vendors
):
    page.goto(live_server.url + PRODUCT)

    glance = page.locator("#glance-borrowing-history")
    assert glance.is_visible()
    assert "Is borrowing or reading history kept by default?" in glance.inner_text()
    assert "Off by default, patron opts in" in glance.inner_text()
    box = glance.bounding_box()
    assert box is not None
    assert box["y"] < 1200


def test_gaps_open_without_javascript_and_the_jump_list_moves_to_a_domain(
    live_server, browser, demo_vendors
):
    page, _log = new_logged_page(
        browser, viewport={"width": 375, "height": 800}, java_script_enabled=False
    )
    try:
        page.goto(live_server.url + PRODUCT)
        gaps = page.locator("details.gaps").first
        summary = gaps.locator("summary")
        assert "not disclosed" in summary.inner_text()
        assert not gaps.locator("li").first.is_visible()
        summary.click()
        assert gaps.locator("li").first.is_visible()
        page.get_by_role("navigation", name="Answers by domain").get_by_role(
            "link", name="Security"
        ).click()
        assert page.url.endswith("#domain-SEC")
    finally:
        page.context.close()


def test_comparison_toggles_work_without_javascript(live_server, browser, demo_vendors):
    page, _log = new_logged_page(
        browser, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    try:
        page.goto(live_server.url + COMPARE_SIX)
        rows = page.locator("table.compare-table tbody tr").count()
        page.get_by_label("Differences only").check()
        page.get_by_role("button", name="Compare").click()
        assert "diff=1" in page.url
        assert page.locator("table.compare-table tbody tr").count() <= rows
        page.get_by_label("All criteria").check()
        page.get_by_role("button", name="Compare").click()
        assert "rows=all" in page.url
        header = page.locator("table.compare-table thead th").nth(1)
        page.mouse.wheel(0, 3000)
        box = header.bounding_box()
        assert box is not None
        assert box["y"] <= 1
    finally:
        page.context.close()

"""A representative answers a disclosure in a real browser; a moderator approves it.

No JSON is typed: radios, a select per table row, a date picker. The editor is looked
at 1280 px and 375 px wide (screenshots in /tmp) and must not log a CSP violation.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.e2e.conftest import new_logged_page
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOT_DIR = "/tmp"  # noqa: S108 - screenshots for a human to look at, not test data


@pytest.fixture
def review_workflow(db: Any) -> None:
    """The "Disclosure review" workflow of migration 0003 (a flush may have removed it)."""
    from django.apps import apps

    migration = importlib.import_module(
        "vendors.migrations.0003_disclosure_review_workflow"
    )
    migration.create_workflow(apps, None)


def _signed_in(
    browser: Any, live_server: Any, settings: Any, user: Any, width: int
) -> Any:
    """Open a page whose session belongs to ``user`` (a server-made sign-in)."""
    client = Client()
    client.force_login(user)
    page, _log = new_logged_page(browser, viewport={"width": width, "height": 900})
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


def _overflowing(page: Any) -> list[str]:
    return page.evaluate(
        """() => {
            const wide = e => {
                const r = e.getBoundingClientRect();
                return r.width > 0 && r.right > window.innerWidth + 1;
            };
            // the innermost wide elements: the ones that make their parents wide
            return [...document.querySelectorAll('main *')]
                .filter(e => wide(e) && ![...e.children].some(wide))
                .slice(0, 5)
                .map(e => e.tagName + '.' + e.className + '#' + e.id);
        }"""
    )


def test_rep_answers_three_scale_kinds_submits_and_moderator_approves(
    live_server,
    browser,
    settings,
    tmp_path,
    review_workflow,
    product_a,
    vendor_rep_a,
    moderator,
):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    settings.MEDIA_ROOT = tmp_path
    # version 1 is public already: one other answer
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-02")]
    )
    services.disclosure_publish(disclosure=disclosure, actor=moderator)
    as_of = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    product_url = f"{live_server.url}/vendors/vendor-a/stacks/"

    # a representative finds the editor from the product page
    rep = _signed_in(browser, live_server, settings, vendor_rep_a, 1280)
    rep.goto(product_url)
    rep.get_by_role("link", name="Edit this disclosure").click()
    rep.wait_for_load_state()
    assert rep.locator(".editor-progress").inner_text().startswith("1 of ")
    rep.screenshot(path=f"{SCREENSHOT_DIR}/vedit-editor-1280.png")

    def complete(code: str, link: bool = True) -> None:
        rep.select_option(f"#id_{code}-configurability", "fixed_by_vendor")
        rep.select_option(f"#id_{code}-basis", "public_policy")
        rep.fill(f"#id_{code}-as_of", as_of)
        if link:
            rep.fill(f"#id_{code}-evidence_url", "https://vendor.example/privacy")

    # ordinal: a radio by its label
    rep.get_by_label("Product-specific notice").check()
    complete("VPD-GOV-01")
    # boolean
    rep.locator("#VPD-GOV-03").get_by_label("Named contact and channel").check()
    complete("VPD-GOV-03", link=False)
    # ... its evidence a PDF, attached inline
    pdf = tmp_path / "privacy-contact.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    rep.set_input_files("#id_VPD-GOV-03-evidence_file", str(pdf))
    # table: one select per row
    rep.locator("#VPD-SEC-03").get_by_role("radio", name="Answered").check()
    first_row = rep.locator("#VPD-SEC-03 tbody select").first
    first_row.select_option(index=1)
    complete("VPD-SEC-03")
    rep.get_by_role("button", name="Save draft").click()
    rep.wait_for_load_state()
    assert "Draft saved." in rep.content(), rep.locator("#problems").inner_text()
    assert "privacy-contact" in rep.locator("#VPD-GOV-03").inner_text()

    # the preview reads as the public page will
    rep.get_by_role("link", name="Preview the public page").click()
    rep.wait_for_load_state()
    assert "Preview of your draft: not public." in rep.content()
    assert "Product-specific notice" in rep.content()
    rep.screenshot(path=f"{SCREENSHOT_DIR}/vedit-preview-1280.png", full_page=True)
    rep.get_by_role("link", name="Review the changes and submit").click()
    rep.wait_for_load_state()

    assert "4 of " in rep.content()
    assert rep.locator(".change-list li", has_text="Newly disclosed").count() == 3
    rep.get_by_role("button", name="Submit for review").click()
    rep.wait_for_load_state()
    assert "Submitted for review" in rep.content(), rep.locator(
        ".messages"
    ).inner_text()
    assert rep.cop_log.csp_violations == []
    assert rep.cop_log.page_errors == []

    # the moderator sees the same words and approves
    mod = _signed_in(browser, live_server, settings, moderator, 1280)
    mod.goto(f"{live_server.url}/vendors/tools/")
    mod.get_by_role("link", name="Stacks").click()
    mod.wait_for_load_state()
    assert "Now disclosed: “Product-specific notice”." in mod.content()
    mod.get_by_role("button", name="Approve and publish").click()
    mod.wait_for_load_state()
    assert "Approved and published." in mod.content()
    assert mod.cop_log.csp_violations == []

    # the public page shows the answer
    for width in (1280, 375):
        reader, _log = new_logged_page(
            browser, viewport={"width": width, "height": 900}
        )
        reader.goto(product_url)
        assert "Product-specific notice" in reader.content()
        assert "Named contact and channel" in reader.content()
        assert reader.locator('a[href^="/documents/"]').count() == 1  # the PDF
        reader.screenshot(
            path=f"{SCREENSHOT_DIR}/vedit-public-{width}.png", full_page=True
        )
        assert _overflowing(reader) == []
        assert reader.cop_log.csp_violations == []
    reader.goto(f"{product_url}changes/")
    changes = reader.locator("section", has_text="Version 2").inner_text()
    assert "3 newly disclosed" in changes
    assert "Now disclosed: “Product-specific notice”." in changes


def test_editor_fits_a_phone(live_server, browser, settings, product_a, vendor_rep_a):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    page = _signed_in(browser, live_server, settings, vendor_rep_a, 375)

    page.goto(f"{live_server.url}/vendors/tools/products/{product_a.pk}/disclosure/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=f"{SCREENSHOT_DIR}/vedit-editor-375.png", full_page=False)
    for code in ("VPD-GOV-01", "VPD-COL-01", "VPD-SHR-01"):
        page.locator(f"#{code}").screenshot(
            path=f"{SCREENSHOT_DIR}/vedit-editor-375-{code}.png"
        )

    overflowing = _overflowing(page)
    assert overflowing == [], "; ".join(overflowing)
    assert page.cop_log.csp_violations == []

"""The disclosure editor with the keyboard only, and axe, at desktop and phone widths.

A representative tabs through the editor, answers an ordinal, a table and a multiple
choice criterion, marks one "not applicable" with a reason, saves the draft with the
"Save draft" button and submits it, pressing keys only (Tab, arrows, Space, Enter and
typing). axe finds nothing serious or critical on the editor and the submit page, and
the browser logs no CSP violation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.checks import serious_axe_findings, sign_in
from tests.e2e.conftest import new_logged_page
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import Disclosure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

#: Tab presses allowed to reach one element (the whole editor has about a thousand).
TAB_LIMIT = 2500


def tab_to(page: Any, selector: str) -> int:
    """Press Tab until the focused element matches ``selector``; return the presses."""
    for presses in range(TAB_LIMIT):
        if page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)",
            selector,
        ):
            return presses
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} is not reached with Tab")


def value_of(page: Any, selector: str) -> Any:
    return page.evaluate(
        """s => {
            const e = document.querySelector(s);
            return e.type === 'radio' || e.type === 'checkbox' ? e.checked : e.value;
        }""",
        selector,
    )


def complete(page: Any, code: str, as_of: dt.date) -> None:
    """Fill who can change it, the basis, the date and a link, from the keyboard."""
    tab_to(page, f"#id_{code}-configurability")
    page.keyboard.press("ArrowDown")  # the first choice: fixed by the vendor
    tab_to(page, f"#id_{code}-basis")
    page.keyboard.type("Public")  # type-ahead: "Public privacy policy"
    tab_to(page, f"#id_{code}-as_of")
    page.keyboard.type(as_of.strftime("%m%d%Y"))  # en-US: month, day, year
    tab_to(page, f"#id_{code}-evidence_url")
    page.keyboard.type("https://vendor.example/privacy")
    assert value_of(page, f"#id_{code}-configurability") == "fixed_by_vendor"
    assert value_of(page, f"#id_{code}-basis") == "public_policy"
    assert value_of(page, f"#id_{code}-as_of") == as_of.isoformat()


@pytest.mark.parametrize("width", [1280, 375])
def test_keyboard_only_representative_answers_saves_and_submits(
    live_server, browser, settings, product_a, vendor_rep_a, width
):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]
    as_of = timezone.localdate() - dt.timedelta(days=2)
    page, log = new_logged_page(
        browser, viewport={"width": width, "height": 900}, locale="en-US"
    )
    sign_in(page, live_server, settings, vendor_rep_a)
    page.goto(f"{live_server.url}/vendors/tools/products/{product_a.pk}/disclosure/")
    assert serious_axe_findings(page) == []

    # ordinal: Space on the first option
    tab_to(page, "#id_VPD-GOV-01-value_0")
    page.keyboard.press("Space")
    complete(page, "VPD-GOV-01", as_of)
    # not applicable, with the reason: the arrow moves to the second status
    tab_to(page, "#id_VPD-GOV-02-status_0")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_VPD-GOV-02-status_reason")
    page.keyboard.type("We do not change the terms during a contract.")
    # table: one select per row, reached through the domain jump list
    tab_to(page, 'a[href="#domain-COL"]')
    page.keyboard.press("Enter")
    selects = page.evaluate(
        "() => [...document.querySelectorAll("
        "'#VPD-COL-01 tbody tr > td:nth-child(2) > select')].map(s => s.id)"
    )
    for select_id in selects[:2]:
        tab_to(page, f"#{select_id}")
        page.keyboard.press("ArrowDown")  # the first option of the row
    complete(page, "VPD-COL-01", as_of)
    # multiple choice: Space on two boxes
    tab_to(page, "#id_VPD-COL-02-value_0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    complete(page, "VPD-COL-02", as_of)

    assert value_of(page, "#id_VPD-GOV-01-value_0") is True
    assert value_of(page, "#id_VPD-GOV-02-status_1") is True
    assert [value_of(page, f"#{s}") for s in selects[:2]] != ["", ""]
    assert value_of(page, "#id_VPD-COL-02-value_0") is True
    assert value_of(page, "#id_VPD-COL-02-value_1") is True

    # save the draft with its button
    presses = tab_to(page, 'button[name="save"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    problems = page.locator("#problems")
    assert "Draft saved." in page.content(), (
        problems.inner_text() if problems.count() else page.url
    )
    assert presses > 0
    draft = Disclosure.objects.get(product=product_a)
    assert draft.latest_revision is not None
    answers = {a["criterion"]: a for a in draft.latest_revision.content["answers"]}
    assert len(answers) == 4

    # submit: the progress line links to the changes, then the submit button
    tab_to(page, 'a[href$="/disclosure/submit/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert serious_axe_findings(page) == []
    tab_to(page, 'button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Submitted for review" in page.content()

    assert log.csp_violations == []
    assert log.page_errors == []
    page.context.close()

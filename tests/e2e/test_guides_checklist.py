"""The checklist self-assessment in a real browser: kept across reloads, never sent."""

from __future__ import annotations

from io import StringIO

import pytest

from cop.guides.seeding import seed_guides
from cop.privacy.services import reference_data_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PATH = "/guides/library-management-system-checklist/"
WHO = "Sam from circulation; call 555"


def _item(page, code):
    return page.locator(f'[data-item="{code}"]')


def test_self_assessment_survives_a_reload_and_never_reaches_the_server(
    live_server, page, tmp_path
):
    # given: the demo checklist, and every request the page makes recorded
    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    sent = []
    page.on(
        "request",
        lambda request: sent.append(
            (request.url, request.method, request.post_data or "")
        ),
    )
    page.goto(live_server.url + PATH)
    assert page.get_by_text("0 of 13 items assessed").is_visible()

    # when: the reader assesses two items and reloads
    first = _item(page, "ALA-LMS-P1-07")
    first.get_by_label("Doing it, but it needs work").check()
    first.get_by_label("Who will").fill(WHO)
    _item(page, "ALA-LMS-P3-04").get_by_label("Not doing it yet").check()
    assert page.locator('[data-count="assessed"]').inner_text() == "2"
    page.reload()
    page.wait_for_load_state("networkidle")

    # then: the answers and the progress are back
    first = _item(page, "ALA-LMS-P1-07")
    assert first.get_by_label("Doing it, but it needs work").is_checked()
    assert first.get_by_label("Who will").input_value() == WHO
    assert _item(page, "ALA-LMS-P3-04").get_by_label("Not doing it yet").is_checked()
    assert page.locator('[data-count="assessed"]').inner_text() == "2"
    assert page.locator('[data-count="needs_work"]').inner_text() == "1"
    assert page.locator("[data-checklist-bar]").get_attribute("value") is not None
    assert page.evaluate("document.querySelector('[data-checklist-bar]').value") == 2

    # and no request carried them: only GETs, none with the answers in it
    assert sent
    for url, method, body in sent:
        assert method == "GET", url
        assert "Sam" not in url, url
        assert "needs_work" not in url, url
        assert body == "", url
    assert page.context.cookies() == []
    assert page.cop_log.csp_violations == []
    assert page.cop_log.page_errors == []

    # the CSV export is built in the browser
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my answers (CSV)").click()
    path = tmp_path / "answers.csv"
    download_info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert (
        text.splitlines()[0] == '"Code","Priority","Item","Where we stand","Who will"'
    )
    assert (
        f'"ALA-LMS-P1-07","1","Aggregation","Doing it, but it needs work","{WHO}"'
        in text
    )

    # one click clears them, in the page and in storage
    page.get_by_role("button", name="Clear my answers").click()
    page.reload()
    assert page.locator('[data-count="assessed"]').inner_text() == "0"
    assert not _item(page, "ALA-LMS-P1-07").get_by_label("Doing it").first.is_checked()
    assert page.evaluate("Object.keys(window.localStorage).length") == 0


def test_checklist_reads_and_prints_without_javascript(live_server, browser):
    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + PATH)
        assert page.locator("[data-item]").count() == 13
        assert page.get_by_text("Print this page and fill it in by hand").is_visible()
        assert not page.locator("[data-checklist-tools]").is_visible()
        page.emulate_media(media="print")
        assert page.get_by_role("heading", name="Priority 3").is_visible()
        assert not page.get_by_role("navigation", name="Primary").is_visible()
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()

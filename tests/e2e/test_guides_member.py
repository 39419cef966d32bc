"""A signed-in member on the guides in a real browser: saved checklist answers, follows."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.urls import reverse

from cop.guides.models import ChecklistPage, SavedChecklistAnswers, SectionFollow
from cop.guides.seeding import seed_guides
from cop.privacy.services import reference_data_load
from tests.e2e.checks import serious_axe_findings, sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PATH = "/guides/library-management-system-checklist/"
WHO = "Sam from circulation"


@pytest.fixture(autouse=True)
def _exempt_from_conduct(settings):
    settings.COP_CONDUCT_EXEMPT_PATH_PREFIXES = ["/"]


@pytest.fixture
def member(db):
    reference_data_load()
    seed_guides(scale="demo", stdout=StringIO())
    return UserFactory(email="reader@library.example", display_name="Reader")


def _item(page, code):
    return page.locator(f'[data-item="{code}"]')


def test_member_saves_loads_and_deletes_checklist_answers(
    live_server, page, settings, member
):
    # given: a signed-in member on the checklist, every request recorded
    sign_in(page, live_server, settings, member)
    sent = []
    page.on(
        "request",
        lambda request: sent.append(
            (request.url, request.method, request.post_data or "")
        ),
    )
    page.goto(live_server.url + PATH)
    first = _item(page, "ALA-LMS-P1-07")
    first.get_by_label("Doing it, but it needs work").check()
    first.get_by_label("Who will").fill(WHO)
    _item(page, "ALA-LMS-P3-04").get_by_label("Not doing it yet").check()
    page.reload()
    page.wait_for_load_state("networkidle")
    assert serious_axe_findings(page) == []

    # then: until they click "Save", no request carries the answers
    assert sent
    for url, method, body in sent:
        assert method == "GET", url
        assert "Sam" not in url, url
        assert body == "", url

    # when: they save to their account
    page.get_by_role("button", name="Save my answers to my account").click()
    page.get_by_text("Saved to your account.").wait_for()
    posts = [(url, body) for url, method, body in sent if method == "POST"]
    checklist = ChecklistPage.objects.get(slug="library-management-system-checklist")
    answers_url = reverse("guides:checklist_answers", args=[checklist.pk])
    assert [url for url, _body in posts] == [live_server.url + answers_url]
    saved = SavedChecklistAnswers.objects.get(user=member)
    assert saved.answers == {
        "ALA-LMS-P1-07": {"status": "needs_work", "who": WHO},
        "ALA-LMS-P3-04": {"status": "not_yet", "who": ""},
    }

    # when: the browser forgets them, and the member loads them back
    page.get_by_role("button", name="Clear my answers").click()
    page.reload()
    assert page.locator('[data-count="assessed"]').inner_text() == "0"
    page.get_by_role("button", name="Load my saved answers").click()
    page.get_by_text("Your saved answers are loaded into this page.").wait_for()
    first = _item(page, "ALA-LMS-P1-07")
    assert first.get_by_label("Doing it, but it needs work").is_checked()
    assert first.get_by_label("Who will").input_value() == WHO
    assert page.locator('[data-count="assessed"]').inner_text() == "2"
    page.reload()  # and they are kept in this browser again
    assert page.locator('[data-count="assessed"]').inner_text() == "2"

    # when: they delete the saved answers in one click
    page.get_by_role("button", name="Delete my saved answers").click()
    page.get_by_text("Your saved answers are deleted from your account.").wait_for()
    assert not SavedChecklistAnswers.objects.filter(user=member).exists()
    page.get_by_role("button", name="Load my saved answers").click()
    page.get_by_text("No answers are saved in your account.").wait_for()
    # the browser's own copy is untouched
    assert page.locator('[data-count="assessed"]').inner_text() == "2"
    assert page.cop_log.csp_violations == []
    assert page.cop_log.page_errors == []


def test_a_refused_save_says_why_and_keeps_the_answers(
    live_server, page, settings, member
):
    sign_in(page, live_server, settings, member)
    page.goto(live_server.url + PATH)
    key = "cop:checklist:" + page.locator("[data-checklist]").get_attribute(
        "data-checklist"
    )
    too_long = {"ALA-LMS-P1-07": {"status": "doing", "who": "x" * 250}}
    page.evaluate(
        "([key, value]) => window.localStorage.setItem(key, value)",
        [key, json.dumps(too_long)],
    )
    page.reload()
    page.get_by_role("button", name="Save my answers to my account").click()
    page.get_by_text("is longer than 200 characters").wait_for()
    assert not SavedChecklistAnswers.objects.exists()
    assert page.locator('[data-count="assessed"]').inner_text() == "1"


def test_follow_menus_and_account_page_pass_axe(live_server, page, settings, member):
    sign_in(page, live_server, settings, member)
    for path, section in (("/guides/", "guides"), ("/events/", "events")):
        page.goto(live_server.url + path)
        menu = page.locator(f"#follow-{section}")
        menu.locator("summary").click()
        assert serious_axe_findings(page) == [], path
        menu.get_by_role("button", name="Follow in my digest").click()
        page.locator(f"#follow-{section} .follow-menu__state").get_by_text(
            "Following"
        ).wait_for()
    assert set(
        SectionFollow.objects.filter(user=member).values_list("section", flat=True)
    ) == {"guides", "events"}
    page.goto(live_server.url + reverse("members:account"))
    assert page.get_by_text("Upcoming events: followed.").is_visible()
    assert serious_axe_findings(page) == []
    page.get_by_role("button", name="Stop following upcoming events").click()
    page.get_by_text("Upcoming events are no longer in your digest.").wait_for()
    assert page.cop_log.csp_violations == []
    assert page.cop_log.page_errors == []

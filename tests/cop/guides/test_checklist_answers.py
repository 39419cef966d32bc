"""Checklist answers a member chose to save to their account: save, load, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cop.guides.models import GuideIndexPage, SavedChecklistAnswers
from tests.cop.guides.test_checklists import checklist_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "ALA-LMS-P1-07": {"status": "needs_work", "who": "Sam from circulation"},
    "ALA-LMS-P3-04": {"status": "not_yet", "who": ""},
}


@pytest.fixture
def checklist(reference: None, guide_index: GuideIndexPage) -> Any:
    return checklist_make(guide_index)


@pytest.fixture
def member(db: Any) -> Any:
    return UserFactory(email="reader@library.example")


def _urls(page: Any) -> tuple[str, str]:
    return (
        reverse("guides:checklist_answers", args=[page.pk]),
        reverse("guides:checklist_answers_delete", args=[page.pk]),
    )


def test_only_signed_in_members_are_offered_to_save(
    client: Any, checklist: Any, member: Any
) -> None:
    assert (
        "Save my answers to my account"
        not in client.get("/guides/lms/").content.decode()
    )
    client.force_login(member)
    html = client.get("/guides/lms/").content.decode()
    answers_url, delete_url = _urls(checklist)
    assert "Save my answers to my account" in html
    assert f'data-answers-url="{answers_url}"' in html
    assert f'data-delete-url="{delete_url}"' in html
    # the form holds the CSRF token only: the answers' inputs are not in it
    form = html.split("data-checklist-account-form>", 1)[1].split("</form>", 1)[0]
    assert "data-status" not in form
    assert "data-who" not in form


def test_save_load_and_delete_in_one_click(
    client: Any, checklist: Any, member: Any
) -> None:
    client.force_login(member)
    answers_url, delete_url = _urls(checklist)
    # nothing saved yet
    assert client.get(answers_url).json() == {"answers": None, "saved_at": None}
    # save (an item without an answer is dropped, "who will" is trimmed)
    sent = {
        **ANSWERS,
        "ALA-LMS-P2-01": {"status": "", "who": "   "},
        "ALA-LMS-P1-08": {"status": "doing", "who": "  Kim  "},
    }
    response = client.post(answers_url, {"answers": json.dumps(sent)})
    assert response.status_code == 200
    assert response.json()["count"] == 3
    loaded = client.get(answers_url).json()
    assert loaded["answers"] == {
        **ANSWERS,
        "ALA-LMS-P1-08": {"status": "doing", "who": "Kim"},
    }
    # saving again replaces the answers (one row per member and checklist)
    client.post(answers_url, {"answers": json.dumps(ANSWERS)})
    assert client.get(answers_url).json()["answers"] == ANSWERS
    assert SavedChecklistAnswers.objects.count() == 1
    # another member sees nothing of it
    other = Client()
    other.force_login(UserFactory(email="other@library.example"))
    assert other.get(answers_url).json()["answers"] is None
    assert other.post(delete_url).json() == {"deleted": False}
    # delete in one click
    assert client.post(delete_url).json() == {"deleted": True}
    assert client.get(answers_url).json()["answers"] is None
    assert not SavedChecklistAnswers.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "The answers could not be read."),
        ('["a list"]', "The answers could not be read."),
        (
            json.dumps({"VPD-LAW-01": {"status": "doing", "who": ""}}),
            "“VPD-LAW-01” is not an item of this checklist.",
        ),
        (
            json.dumps({"ALA-LMS-P1-07": {"status": "maybe", "who": ""}}),
            "Item ALA-LMS-P1-07 has an unknown answer.",
        ),
        (
            json.dumps({"ALA-LMS-P1-07": {"status": "doing", "who": "x" * 201}}),
            "“Who will” of item ALA-LMS-P1-07 is longer than 200 characters.",
        ),
        ("x" * 200_001, "The answers could not be read."),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message_and_nothing_saved(
    client: Any, checklist: Any, member: Any, body: str, message: str
) -> None:
    client.force_login(member)
    answers_url, _delete = _urls(checklist)
    client.post(answers_url, {"answers": json.dumps(ANSWERS)})
    response = client.post(answers_url, {"answers": body})
    assert response.status_code == 400
    assert response.json() == {"error": message}
    assert client.get(answers_url).json()["answers"] == ANSWERS  # kept as it was


def test_saving_needs_the_csrf_token(checklist: Any, member: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    answers_url, delete_url = _urls(checklist)
    assert client.post(answers_url, {"answers": json.dumps(ANSWERS)}).status_code == 403
    assert client.post(delete_url).status_code == 403
    assert not SavedChecklistAnswers.objects.exists()


def test_only_live_public_checklists_take_answers(
    client: Any, checklist: Any, member: Any
) -> None:
    client.force_login(member)
    answers_url, delete_url = _urls(checklist)
    PageViewRestriction.objects.create(
        page=checklist, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.post(answers_url, {"answers": json.dumps(ANSWERS)}).status_code == 404
    PageViewRestriction.objects.all().delete()
    checklist.unpublish()
    assert client.get(answers_url).status_code == 404
    assert client.post(delete_url).status_code == 404


def test_saved_answers_are_exported_and_erased_with_the_member(
    client: Any, checklist: Any, member: Any
) -> None:
    from cop.privacy.hooks import member_data
    from cop.privacy.services.erasure import member_erase

    client.force_login(member)
    client.post(_urls(checklist)[0], {"answers": json.dumps(ANSWERS)})
    client.post(
        reverse("guides:section_follow", kwargs={"section": "guides"}), {"follow": "1"}
    )
    exported = dict(member_data)["guides"].export(member)
    (row,) = exported["saved_checklist_answers"]
    assert row["page__title"] == "LMS checklist"
    assert row["answers"] == ANSWERS
    assert [r["section"] for r in exported["followed_sections"]] == ["guides"]

    member_erase(member=member, actor=member, keep_posts=True)

    assert not SavedChecklistAnswers.objects.exists()

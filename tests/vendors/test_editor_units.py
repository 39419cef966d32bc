"""Unit tests of the editor's logic: answer forms per scale kind, checks, the diff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cop.privacy.selectors import criterion_get
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services
from vendors.forms_editor import AnswerForm
from vendors.models import Disclosure
from vendors.selectors_editor import disclosure_draft, draft_review

pytestmark = pytest.mark.django_db

AS_OF = (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def _form(code: str, **data: object) -> AnswerForm:
    criterion = criterion_get(code=code)
    assert criterion is not None
    bound = {f"{code}-{k}": v for k, v in data.items()}
    return AnswerForm(bound, criterion=criterion)


def test_picking_an_option_is_enough_to_answer(criteria):
    form = _form("VPD-GOV-01", value="none", as_of=AS_OF)

    assert form.is_valid(), form.errors
    record = form.to_record()

    assert record is not None
    assert record["status"] == "answered"
    assert record["value"] == "none"
    assert record["as_of"] == dt.date.fromisoformat(AS_OF)


def test_untouched_or_not_disclosed_criteria_give_no_record(criteria):
    untouched = _form("VPD-GOV-01")
    dropped = _form("VPD-GOV-01", status="not_disclosed", value="none")

    assert untouched.is_valid()
    assert dropped.is_valid()
    assert untouched.to_record() is None
    assert dropped.to_record() is None


def test_multi_with_nothing_ticked_is_an_answer_of_none(criteria):
    form = _form("VPD-COL-02", status="answered")

    assert form.is_valid()
    record = form.to_record()

    assert record is not None
    assert record["value"] == []


def test_table_new_row_needs_an_answer(criteria):
    form = _form("VPD-COL-01", status="answered", newrow__label="Chat logs")

    assert not form.is_valid()
    assert "newrow__option" in form.errors


def test_a_number_detail_refuses_words_and_keeps_them(criteria):
    form = _form("VPD-RET-02", value="delete_only", field__days="two weeks")

    assert not form.is_valid()
    assert form.errors["field__days"] == ["Enter a whole number."]
    assert 'value="two weeks"' in str(form["field__days"])


def test_a_number_detail_is_stored_as_a_number(criteria):
    form = _form("VPD-RET-02", value="delete_only", field__days="30")

    assert form.is_valid()
    record = form.to_record()

    assert record is not None
    assert record["fields"] == {"days": 30}


def test_answers_check_reports_without_saving(product_a, vendor_rep_a):
    with pytest.raises(ValidationError) as caught:
        services.disclosure_answers_check(
            product=product_a, answers=[answer_for("VPD-GOV-01", basis="")]
        )

    assert "VPD-GOV-01.basis" in caught.value.message_dict
    assert not Disclosure.objects.exists()


def test_draft_review_judges_the_draft_against_the_published_version(
    product_a, vendor_rep_a, moderator
):
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[answer_for("VPD-GOV-01", pick=1), answer_for("VPD-GOV-03", pick=0)],
    )
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    services.disclosure_publish(disclosure=disclosure, actor=moderator)
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    services.disclosure_save_draft(
        disclosure=disclosure,
        actor=vendor_rep_a,
        answers=[
            answer_for("VPD-GOV-01", pick=0),
            answer_for("VPD-GOV-03", pick=1),
            answer_for("VPD-GOV-04"),
        ],
    )

    stored = Disclosure.objects.get(pk=disclosure.pk)
    assert stored.live  # editing the draft leaves the published version public
    review = draft_review(product=product_a, draft=disclosure_draft(disclosure=stored))

    assert review.published_number == 1
    directions = {c.code: c.direction.value for c in review.changes}
    assert directions == {
        "VPD-GOV-01": "improved",
        "VPD-GOV-03": "regressed",
        "VPD-GOV-04": "newly_disclosed",
    }
    assert review.summary["improved"] == 1
    assert review.published_number == 1
    assert review.coverage["answered"] == 3


def test_submit_after_changes_were_requested_resumes_the_review(
    product_a, vendor_rep_a, moderator
):
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-01")]
    )
    services.disclosure_submit(disclosure=disclosure, actor=vendor_rep_a)
    services.disclosure_review(
        disclosure=disclosure, actor=moderator, approve=False, comment="Cite it."
    )
    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-03")]
    )

    services.disclosure_submit(disclosure=disclosure, actor=vendor_rep_a)

    disclosure = Disclosure.objects.get(pk=disclosure.pk)
    assert disclosure.workflow_in_progress
    task_state = disclosure.current_workflow_task_state
    assert task_state.revision_id == disclosure.latest_revision_id

"""Database constraints of answers, evidence and roadmap history."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from cop.privacy.models import Criterion
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.models import (
    Answer,
    Disclosure,
    EvidenceItem,
    RoadmapItem,
    RoadmapStatusChange,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def disclosure(product_a):
    return Disclosure.objects.create(product=product_a)


def _answer(disclosure, **fields):
    fields.setdefault("criterion", Criterion.objects.get(code="VPD-GOV-01"))
    fields.setdefault("status", "not_disclosed")
    return Answer.objects.create(disclosure=disclosure, **fields)


def test_answer_twice_for_one_criterion_is_rejected(disclosure):
    _answer(disclosure)
    with pytest.raises(IntegrityError), transaction.atomic():
        _answer(disclosure)


def test_answer_not_applicable_without_reason_is_rejected(disclosure):
    with pytest.raises(IntegrityError), transaction.atomic():
        _answer(disclosure, status="not_applicable")


def test_answer_answered_without_basis_is_rejected(disclosure):
    with pytest.raises(IntegrityError), transaction.atomic():
        _answer(
            disclosure,
            status="answered",
            value="none",
            configurability="fixed_by_vendor",
        )


def test_one_disclosure_per_product(disclosure):
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(product=disclosure.product)


def test_evidence_without_url_or_document_is_rejected(disclosure):
    answer = _answer(disclosure)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceItem.objects.create(answer=answer, url="")


def test_roadmap_status_change_to_same_status_is_rejected(product_a):
    item = RoadmapItem.objects.create(product=product_a, title="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoadmapStatusChange.objects.create(
            item=item, from_status="planned", to_status="planned"
        )


def test_disclosure_str_names_product(disclosure):
    assert str(disclosure) == "Disclosure: Stacks"

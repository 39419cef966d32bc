"""Validation of answers and evidence: each bad input names its field; nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import answer_for
from vendors import services
from vendors.models import Disclosure
from vendors.validation import (
    CriterionSpec,
    answer_errors,
    evidence_errors,
    url_error,
    value_errors,
)

TODAY = dt.date(2026, 6, 1)
ORDINAL = CriterionSpec(
    code="X-1", kind="ordinal", module="core", options=frozenset({"a", "b"})
)


def _errors(**data):
    base = {
        "status": "answered",
        "value": "a",
        "configurability": "fixed_by_vendor",
        "basis": "public_policy",
        "as_of": TODAY,
    }
    return answer_errors(
        spec=ORDINAL, product_modules=("core",), data={**base, **data}, today=TODAY
    )


def test_answer_errors_valid_answer_has_none():
    assert _errors() == {}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "nope"}, "value"),
        ({"basis": ""}, "basis"),
        ({"configurability": ""}, "configurability"),
        ({"configurability": "library_configurable"}, "default_option"),
        ({"default_option": "nope"}, "default_option"),
        ({"as_of": TODAY + dt.timedelta(days=30)}, "as_of"),
        ({"as_of": None}, "as_of"),
        ({"status": "not_applicable", "status_reason": "  "}, "status_reason"),
    ],
)
def test_answer_errors_bad_input_names_field(data, field):
    assert field in _errors(**data)


def test_answer_errors_criterion_of_other_module_is_rejected():
    errors = answer_errors(
        spec=CriterionSpec(
            code="VPD-K12-01", kind="ordinal", module="K12", options=frozenset({"a"})
        ),
        product_modules=("core", "ILS"),
        data={"status": "not_disclosed"},
    )
    assert "criterion" in errors


def test_answer_errors_as_of_within_tolerance_is_accepted():
    assert _errors(as_of=TODAY + dt.timedelta(days=2)) == {}


@pytest.mark.parametrize(
    ("kind", "value", "ok"),
    [
        ("multi", ["a"], True),
        ("multi", [], True),
        ("multi", ["a", "a"], False),
        ("multi", "a", False),
        ("boolean", ["a"], False),
        ("list", {"option": "a", "entries": [{"name": "Host"}]}, True),
        ("list", {"option": "a", "entries": [{"bogus": 1}]}, False),
        ("list", {"entries": []}, False),
        ("table", {"r1": {"option": "a"}}, True),
        ("table", {"r1": {"option": "zz"}}, False),
        ("table", {"unknown": {"option": "a"}}, False),
        ("table", {}, False),
    ],
)
def test_value_errors_per_scale_kind(kind, value, ok):
    spec = CriterionSpec(
        code="X",
        kind=kind,
        module="core",
        options=frozenset({"a", "b"}),
        scale={
            "rows": [{"key": "r1"}],
            "entry_fields": [{"key": "name", "type": "text"}],
        },
    )
    assert (value_errors(spec=spec, value=value) == []) is ok


def test_value_errors_open_table_accepts_vendor_rows():
    spec = CriterionSpec(
        code="X",
        kind="table",
        module="core",
        options=frozenset({"yes"}),
        scale={"rows": [], "rows_open": True},
    )
    assert value_errors(spec=spec, value={"reading_lists": {"option": "yes"}}) == []


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "ftp://x.example/a",
        "//x.example",
        "file:///etc/passwd",
    ],
)
def test_url_error_rejects_non_http_schemes(url):
    assert url_error(url) is not None


def test_evidence_errors_future_date_and_missing_source():
    errors = evidence_errors(
        data={"url": "", "retrieved_on": TODAY + dt.timedelta(days=9)}, today=TODAY
    )
    assert set(errors) == {"url", "retrieved_on"}
    assert evidence_errors(data={"url": "https://ok.example/p"}, today=TODAY) == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"value": "not-an-option"}, "VPD-GOV-01.value"),
        ({"basis": ""}, "VPD-GOV-01.basis"),
        ({"configurability": ""}, "VPD-GOV-01.configurability"),
        ({"as_of": timezone.localdate() + dt.timedelta(days=40)}, "VPD-GOV-01.as_of"),
        ({"status": "not_applicable", "status_reason": ""}, "VPD-GOV-01.status_reason"),
        ({"evidence": [{"url": "javascript:alert(1)"}]}, "VPD-GOV-01.evidence[0].url"),
        ({"criterion": "VPD-K12-01"}, "VPD-K12-01.criterion"),
    ],
)
def test_disclosure_save_draft_bad_answer_saves_nothing(
    product_a, vendor_rep_a, override, key
):
    # given: a draft with one good answer
    disclosure = services.disclosure_create(product=product_a, actor=vendor_rep_a)
    services.disclosure_save_draft(
        disclosure=disclosure, actor=vendor_rep_a, answers=[answer_for("VPD-GOV-02")]
    )
    revisions = disclosure.revisions.count()
    # when: a second save mixes a good answer with a bad one
    with pytest.raises(ValidationError) as excinfo:
        services.disclosure_save_draft(
            disclosure=Disclosure.objects.get(pk=disclosure.pk),
            actor=vendor_rep_a,
            answers=[answer_for("VPD-GOV-03"), answer_for("VPD-GOV-01", **override)],
        )
    # then: the error names the field, and neither answer was written
    assert key in excinfo.value.message_dict
    fresh = Disclosure.objects.get(pk=disclosure.pk)
    assert fresh.revisions.count() == revisions
    assert list(fresh.answers.values_list("criterion__code", flat=True)) == [
        "VPD-GOV-02"
    ]


@pytest.mark.django_db
def test_answer_model_clean_reports_field(product_a):
    from cop.privacy.models import Criterion
    from vendors.models import Answer

    disclosure = Disclosure.objects.create(product=product_a)
    answer = Answer(
        disclosure=disclosure,
        criterion=Criterion.objects.get(code="VPD-GOV-01"),
        status="answered",
        value="zzz",
    )
    with pytest.raises(ValidationError) as excinfo:
        answer.full_clean()
    assert {"value", "basis", "configurability", "as_of"} <= set(
        excinfo.value.message_dict
    )

"""Tests for ``cop.privacy.selectors``: contents, order, retired rows and query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cop.privacy import selectors
from cop.privacy.models import Criterion, CriterionOption, FrameworkItem, RedFlag

pytestmark = pytest.mark.django_db


def test_criteria_for_modules_core_only_returns_52_in_domain_order(loaded):
    criteria = list(selectors.criteria_for_modules())
    assert len(criteria) == 52
    assert {c.module.code for c in criteria} == {"core"}
    keys = [(c.domain.order, c.code) for c in criteria]
    assert keys == sorted(keys)
    assert criteria[0].code == "VPD-GOV-01"


def test_criteria_for_modules_adds_the_given_modules(loaded):
    codes = set(
        selectors.criteria_for_modules(modules=["ILS", "K12"]).values_list(
            "code", flat=True
        )
    )
    assert len(codes) == 52 + 7 + 2
    assert "VPD-ILS-01" in codes
    assert "VPD-K12-01" in codes
    assert not any(code.startswith(("VPD-CNT-", "VPD-DSC-")) for code in codes)
    assert selectors.criteria_for_module(module="CNT").count() == 55


def test_criteria_for_modules_leaves_out_retired_criteria_and_options(loaded):
    # given
    now = timezone.now()
    Criterion.objects.filter(code="VPD-GOV-02").update(retired_at=now)
    CriterionOption.objects.filter(
        criterion__code="VPD-GOV-01", key="corporate_only"
    ).update(retired_at=now)
    # when
    criteria = {c.code: c for c in selectors.criteria_for_modules()}
    # then
    assert "VPD-GOV-02" not in criteria
    assert [o.key for o in criteria["VPD-GOV-01"].options.all()] == [
        "product_specific",
        "none",
    ]


def test_criteria_for_modules_query_count_is_constant(
    loaded, django_assert_num_queries
):
    # criteria with domain and module joined, then the options: two queries
    with django_assert_num_queries(2):
        criteria = list(
            selectors.criteria_for_modules(modules=["ILS", "CNT", "DSC", "K12"])
        )
        ranks = [o.rank for c in criteria for o in c.options.all()]
        labels = {(c.domain.title, c.module.title) for c in criteria}
    assert len(criteria) == 67
    assert len(ranks) == 205
    assert len(labels) > 13


def test_criterion_get_returns_options_and_items_in_three_queries(
    loaded, django_assert_num_queries
):
    with django_assert_num_queries(3):
        crit = selectors.criterion_get(code="VPD-GOV-03")
        assert crit is not None
        assert [o.key for o in crit.options.all()] == ["yes", "no"]
        assert {i.code for i in crit.derived_items.all()} == {"NISO-12", "ALA-OV-P1-04"}
        assert crit.domain.code == "GOV"


def test_criterion_get_returns_retired_criterion_and_none_for_unknown(loaded):
    Criterion.objects.filter(code="VPD-GOV-02").update(retired_at=timezone.now())
    crit = selectors.criterion_get(code="VPD-GOV-02")
    assert crit is not None
    assert crit.is_retired
    assert selectors.criterion_get(code="VPD-NOPE-01") is None


def test_red_flag_list_query_count_is_constant(loaded, django_assert_num_queries):
    RedFlag.objects.filter(code="RF-22").update(retired_at=timezone.now())
    with django_assert_num_queries(2):
        flags = list(selectors.red_flag_list())
        related = {f.code: [c.code for c in f.related_criteria.all()] for f in flags}
        severities = {f.severity.key for f in flags}
    assert len(flags) == 21
    assert flags[0].code == "RF-01"
    assert related["RF-04"] == ["VPD-CTR-01"]
    assert severities == {"blocker", "high", "medium"}


def test_framework_list_query_count_is_constant(loaded, django_assert_num_queries):
    FrameworkItem.objects.filter(code="NISO-12").update(retired_at=timezone.now())
    with django_assert_num_queries(2):
        frameworks = list(selectors.framework_list())
        items = {fw.code: [i.code for i in fw.items.all()] for fw in frameworks}
    assert frameworks[0].code == "ALA-OV"
    assert len(frameworks) == 9
    assert sum(map(len, items.values())) == 85
    assert items["NISO"][0] == "NISO-01"
    assert "NISO-12" not in items["NISO"]

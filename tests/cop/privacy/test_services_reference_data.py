"""Tests for ``cop.privacy.services.reference_data_load``."""

from __future__ import annotations

import pytest
import time_machine

from cop.privacy.models import (
    Criterion,
    CriterionOption,
    Domain,
    Framework,
    FrameworkItem,
    Module,
    RedFlag,
    ScaleKind,
    Severity,
    Source,
)
from cop.privacy.services import ReferenceDataError, reference_data_load
from tests.cop.privacy.support import shipped, snapshot

pytestmark = pytest.mark.django_db

GOV02_LAST_OPTION = '        - {key: none_stated, label: "No commitment", rank: 4}\n'


def _option_count() -> int:
    return sum(len(c["scale"]["options"]) for c in shipped("criteria.yaml")["criteria"])


def test_reference_data_load_shipped_files_creates_every_row(loaded):
    # then: the counts the README documents
    assert Framework.objects.count() == 9
    assert FrameworkItem.objects.count() == 86
    assert Source.objects.count() == 26
    assert Domain.objects.count() == 13
    assert Module.objects.count() == 5
    assert Criterion.objects.count() == 67
    assert RedFlag.objects.count() == 22
    assert Severity.objects.count() == 3
    assert CriterionOption.objects.count() == _option_count() == 205
    assert Criterion.objects.filter(module__code="core").count() == 52
    # and the report says so, with nothing retired
    assert loaded.kinds["criteria"].created == 67
    assert loaded.kinds["criterion options"].created == 205
    assert all(c.retired == c.updated == 0 for c in loaded.kinds.values())
    assert not Criterion.objects.filter(retired_at__isnull=False).exists()


def test_reference_data_load_shipped_files_stores_fields_and_links(loaded):
    crit = Criterion.objects.get(code="VPD-GOV-03")
    assert crit.domain.code == "GOV"
    assert crit.module.code == "core"
    assert crit.scale_kind == ScaleKind.BOOLEAN
    assert crit.notes.startswith("ALA-OV-P1-04")
    assert crit.derived_from == ["NISO-12", "ALA-OV-P1-04"]
    # only framework items resolve to links; frameworks and source tags stay data
    assert set(crit.derived_items.values_list("code", flat=True)) == {
        "NISO-12",
        "ALA-OV-P1-04",
    }
    assert list(crit.options.values_list("key", "rank")) == [("yes", 1), ("no", 2)]
    assert crit.scale == {
        "fields": [{"key": "contact_url", "label": "Contact page", "type": "url"}]
    }
    table = Criterion.objects.get(code="VPD-COL-01")
    assert table.scale["rows_open"] is True
    assert len(table.scale["rows"]) == 12
    sub = FrameworkItem.objects.get(code="ALA-OV-P1-01a")
    assert sub.parent.code == "ALA-OV-P1-01"
    assert sub.framework.code == "ALA-OV"
    assert sub.tier == 1
    flag = RedFlag.objects.get(code="RF-04")
    assert flag.severity.key == "blocker"
    assert list(flag.related_criteria.values_list("code", flat=True)) == ["VPD-CTR-01"]
    assert flag.sources == ["FG-RED-FLAGS", "ALA-LMS-GL"]


def test_reference_data_load_twice_changes_nothing(loaded):
    # given
    before = snapshot()
    # when: a second load, an hour later, so any write would move updated_at
    with time_machine.travel("2031-01-01 12:00Z"):
        report = reference_data_load()
    # then
    assert snapshot() == before
    assert not report.changed
    assert report.kinds["criterion options"].unchanged == 205
    assert all(c.created == c.updated == c.retired == 0 for c in report.kinds.values())


def test_reference_data_load_changed_title_updates_only_that_row(loaded, data_copy):
    # given
    data_copy.replace(
        "criteria.yaml",
        "title: Product-specific privacy notice",
        "title: Privacy notice for this product",
    )
    before = snapshot()
    # when
    with time_machine.travel("2031-01-01 12:00Z"):
        report = reference_data_load(data_dir=data_copy.folder)
    # then
    after = snapshot()
    crit = Criterion.objects.get(code="VPD-GOV-01")
    assert crit.title == "Privacy notice for this product"
    assert crit.updated_at.year == 2031
    assert report.kinds["criteria"].updated == 1
    assert report.kinds["criteria"].unchanged == 66
    changed = [
        (label, row["id"])
        for label, rows in after.items()
        for row, old in zip(rows, before[label], strict=True)
        if row != old
    ]
    assert changed == [("privacy.Criterion", crit.pk)]


def test_reference_data_load_removed_option_is_retired_then_restored(loaded, data_copy):
    # given: the last option of VPD-GOV-02 disappears from the file
    option = CriterionOption.objects.get(
        criterion__code="VPD-GOV-02", key="none_stated"
    )
    data_copy.replace("criteria.yaml", GOV02_LAST_OPTION, "")
    # when
    report = reference_data_load(data_dir=data_copy.folder)
    # then: kept, marked retired, counted
    option.refresh_from_db()
    assert option.retired_at is not None
    assert CriterionOption.objects.count() == 205
    assert CriterionOption.objects.current().count() == 204
    assert report.kinds["criterion options"].retired == 1
    assert report.kinds["criterion options"].unchanged == 204
    # when: it comes back
    data_copy.replace(
        "criteria.yaml",
        '        - {key: posted_only, label: "Change only posted on the vendor\'s site", rank: 3}\n',
        '        - {key: posted_only, label: "Change only posted on the vendor\'s site", rank: 3}\n'
        + GOV02_LAST_OPTION,
    )
    report = reference_data_load(data_dir=data_copy.folder)
    # then: the same row, un-retired
    option.refresh_from_db()
    assert option.retired_at is None
    assert report.kinds["criterion options"].updated == 1
    assert CriterionOption.objects.current().count() == 205


def test_reference_data_load_removed_criterion_retires_it_and_its_links(
    loaded, data_copy
):
    # given: VPD-CTR-01 is gone, and so is RF-04's reference to it
    text = (data_copy.folder / "criteria.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: VPD-CTR-01\n")
    end = text.index("  - id: ", start + 1)
    data_copy.replace("criteria.yaml", text[start:end], "")
    data_copy.replace(
        "red_flags.yaml", "related_criteria: [VPD-CTR-01]\n", "related_criteria: []\n"
    )
    # when
    report = reference_data_load(data_dir=data_copy.folder)
    # then
    crit = Criterion.objects.get(code="VPD-CTR-01")
    assert crit.retired_at is not None
    assert crit.options.current().count() == 0
    assert crit.options.count() > 0
    assert not RedFlag.objects.get(code="RF-04").related_criteria.exists()
    assert report.kinds["criteria"].retired == 1
    assert report.kinds["red flags"].updated == 1


def test_reference_data_load_invalid_files_raises_and_writes_nothing(data_copy):
    # given
    data_copy.replace(
        "criteria.yaml",
        "    domain: GOV\n    module: core\n    title: Change notification",
        "    domain: NOPE\n    module: core\n    title: Change notification",
    )
    # when
    with pytest.raises(ReferenceDataError) as exc:
        reference_data_load(data_dir=data_copy.folder)
    # then
    assert "VPD-GOV-02: unknown domain 'NOPE'" in exc.value.problems
    assert "VPD-GOV-02: unknown domain 'NOPE'" in str(exc.value)
    assert Criterion.objects.count() == 0
    assert Framework.objects.count() == 0


def test_reference_data_load_too_long_title_rolls_back_everything(loaded, data_copy):
    # given: valid by the checks, but longer than the column
    before = snapshot()
    data_copy.replace("red_flags.yaml", "title: Vague standards", "title: " + "V" * 360)
    data_copy.replace(
        "criteria.yaml",
        "title: Product-specific privacy notice",
        "title: Privacy notice for this product",
    )
    # when
    with pytest.raises(ReferenceDataError) as exc:
        reference_data_load(data_dir=data_copy.folder)
    # then: the criterion change written earlier in the run was rolled back too
    assert exc.value.problems == [
        "RF-01: title is 360 characters long, at most 300 fit"
    ]
    assert snapshot() == before

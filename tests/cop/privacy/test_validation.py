"""Tests for ``cop.privacy.validation``, the port of the shared ``check.py``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cop.privacy.data_files import DATA_DIR, FILES, reference_data_read
from cop.privacy.validation import reference_data_validate
from tests.cop.privacy.support import DataCopy

SHARED_DOMAIN = Path(__file__).resolve().parents[3].parent / "shared" / "domain"
needs_shared = pytest.mark.skipif(
    not SHARED_DOMAIN.is_dir(), reason="the shared domain folder is not checked out"
)

# (file, old text, new text, a problem the validator must name)
BROKEN = [
    pytest.param(
        "criteria.yaml",
        "  - id: VPD-GOV-02\n",
        "  - id: VPD-GOV-01\n",
        "criteria.yaml: duplicate id VPD-GOV-01",
        id="duplicate-criterion-id",
    ),
    pytest.param(
        "frameworks.yaml",
        "    - id: ALA-OV-P1-02\n",
        "    - id: ALA-OV-P1-03\n",
        "frameworks.yaml: duplicate id ALA-OV-P1-03",
        id="duplicate-item-id",
    ),
    pytest.param(
        "criteria.yaml",
        "    domain: GOV\n    module: core\n    title: Change notification",
        "    domain: XYZ\n    module: core\n    title: Change notification",
        "VPD-GOV-02: unknown domain 'XYZ'",
        id="unknown-domain",
    ),
    pytest.param(
        "criteria.yaml",
        '{key: corporate_only, label: "Corporate notice only", rank: 2}',
        '{key: corporate_only, label: "Corporate notice only", rank: 5}',
        "VPD-GOV-01.scale: option 'corporate_only' has rank 5, expected 2 (list most protective first)",
        id="bad-rank",
    ),
    pytest.param(
        "red_flags.yaml",
        "related_criteria: [VPD-CTR-01]\n",
        "related_criteria: [VPD-CTR-99]\n",
        "RF-04: related criterion 'VPD-CTR-99' does not exist",
        id="unknown-related-criterion",
    ),
    pytest.param(
        "criteria.yaml",
        "derived_from: [NISO-12, ALA-OV-P1-04]",
        "derived_from: [NISO-12, ALA-OV-P1-99]",
        "VPD-GOV-03: derived_from 'ALA-OV-P1-99' is not a framework, item or source tag",
        id="unknown-derived-from",
    ),
    pytest.param(
        "frameworks.yaml",
        "    - id: ALA-OV-P1-01a\n      parent: ALA-OV-P1-01\n      tier: 1\n",
        "    - id: ALA-OV-P1-01a\n      parent: ALA-OV-P1-01\n      tier: 2\n",
        "ALA-OV-P1-01a: tier 2 does not match the P1 in its id",
        id="tier-mismatch",
    ),
    pytest.param(
        "sources.yaml",
        "- tag: PNI\n",
        "- tag: NISO-05\n",
        "sources.yaml: tag NISO-05 collides with an existing id (item)",
        id="tag-collides",
    ),
    pytest.param(
        "red_flags.yaml",
        "  - id: RF-22\n",
        "  - id: RF-23\n",
        "red_flags.yaml: ids should be exactly RF-01..RF-22",
        id="red-flag-ids",
    ),
    pytest.param(
        "criteria.yaml",
        "schema_version: 1\n",
        "schema_version: 1\n# copied from /home/someone/notes\n",
        "criteria.yaml:",
        id="local-path",
    ),
    pytest.param(
        "sources.yaml",
        "- tag: PNI\n",
        "- tag: [PNI\n",
        "sources.yaml: does not load",
        id="yaml-error",
    ),
]


def test_reference_data_validate_shipped_files_have_no_problems():
    assert reference_data_validate(reference_data_read()) == []


@pytest.mark.parametrize(("name", "old", "new", "problem"), BROKEN)
def test_reference_data_validate_broken_file_names_the_problem(
    tmp_path, name, old, new, problem
):
    # given
    data = DataCopy(tmp_path)
    data.replace(name, old, new)
    # when
    problems = reference_data_validate(reference_data_read(data_dir=tmp_path))
    # then
    assert any(p.startswith(problem) for p in problems), problems


def test_reference_data_validate_missing_file_is_a_problem(tmp_path):
    DataCopy(tmp_path)
    (tmp_path / "sources.yaml").unlink()
    problems = reference_data_validate(reference_data_read(data_dir=tmp_path))
    assert problems[0].startswith("sources.yaml: does not load")


def test_reference_data_validate_wrong_shapes_report_instead_of_raising(tmp_path):
    # given: every top level and entry of the wrong type
    for name, text in {
        "frameworks.yaml": "{a: 1}\n",
        "sources.yaml": "- just a string\n",
        "criteria.yaml": "criteria: [1, {id: VPD-GOV-01, scale: 3}]\n",
        "red_flags.yaml": "- RF-01\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    # when
    problems = reference_data_validate(reference_data_read(data_dir=tmp_path))
    # then
    assert "frameworks.yaml: top level must be a list" in problems
    assert "sources.yaml: entry #1 is not a mapping" in problems
    assert "VPD-GOV-01: scale must be a mapping" in problems
    assert "red_flags.yaml: top level must be a mapping" in problems


@needs_shared
def test_shipped_copy_equals_shared_domain_files():
    for name in FILES:
        assert (DATA_DIR / name).read_bytes() == (SHARED_DOMAIN / name).read_bytes(), (
            name
        )


@needs_shared
@pytest.mark.parametrize(("name", "old", "new", "problem"), BROKEN)
def test_reference_data_validate_reports_everything_check_py_reports(
    tmp_path, name, old, new, problem
):
    # given: the shared checker next to the same broken copy
    data = DataCopy(tmp_path)
    data.replace(name, old, new)
    shutil.copyfile(SHARED_DOMAIN / "check.py", tmp_path / "check.py")
    (tmp_path / "README.md").write_text("# copy\n", encoding="utf-8")
    # when
    run = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, str(tmp_path / "check.py")],
        capture_output=True,
        text=True,
        check=False,
    )
    ours = reference_data_validate(reference_data_read(data_dir=tmp_path))
    # then: both refuse, and every problem of check.py is reported by the port
    assert run.returncode == 1
    theirs = [
        line.removeprefix("  - ")
        for line in run.stdout.splitlines()
        if line.startswith("  - ")
    ]
    if name == "sources.yaml" and problem.endswith("does not load"):
        assert ours[0].startswith("sources.yaml: does not load")
    else:
        assert set(theirs) <= set(ours)

"""Tests for ``manage.py load_privacy_framework``."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cop.privacy.models import Criterion, RedFlag
from tests.cop.privacy.support import snapshot

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[3]

BROKEN = [
    pytest.param(
        "criteria.yaml",
        "  - id: VPD-GOV-02\n",
        "  - id: VPD-GOV-01\n",
        "criteria.yaml: duplicate id VPD-GOV-01",
        id="duplicate-id",
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
        "VPD-GOV-01.scale: option 'corporate_only' has rank 5, expected 2",
        id="bad-rank",
    ),
]


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_privacy_framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_privacy_framework_first_run_reports_created_rows():
    out, _ = _call()
    assert "criteria           created 67, updated 0, retired 0, unchanged 0" in out
    assert "red flags          created 22, updated 0, retired 0, unchanged 0" in out
    assert out.rstrip().endswith("Privacy reference data loaded.")
    assert len(out.splitlines()) == 10


def test_load_privacy_framework_second_run_reports_nothing_changed():
    _call()
    out, _ = _call()
    assert "criterion options  created 0, updated 0, retired 0, unchanged 205" in out
    assert "already up to date; nothing changed" in out


def test_load_privacy_framework_data_dir_loads_that_copy(data_copy):
    data_copy.replace(
        "red_flags.yaml", "title: Vague standards", "title: Vague security promises"
    )
    _call()
    out, _ = _call("--data-dir", str(data_copy.folder))
    assert "red flags          created 0, updated 1, retired 0, unchanged 21" in out
    assert RedFlag.objects.get(code="RF-01").title == "Vague security promises"


def test_load_privacy_framework_missing_data_dir_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        _call("--data-dir", str(tmp_path / "nowhere"))
    assert not Criterion.objects.exists()


@pytest.mark.parametrize(("name", "old", "new", "problem"), BROKEN)
def test_load_privacy_framework_invalid_files_change_nothing(
    data_copy, name, old, new, problem
):
    # given: the shipped data loaded, and a broken copy
    _call()
    before = snapshot()
    data_copy.replace(name, old, new)
    # when
    err = StringIO()
    with pytest.raises(
        CommandError, match=r"problem\(s\) in the privacy reference data"
    ):
        call_command(
            "load_privacy_framework",
            "--data-dir",
            str(data_copy.folder),
            stdout=StringIO(),
            stderr=err,
        )
    # then: the problem is named on its own line and nothing was written
    assert any(
        line.startswith(f"  - {problem}") for line in err.getvalue().splitlines()
    )
    assert snapshot() == before


def test_load_privacy_framework_invalid_files_exit_non_zero_without_traceback(
    data_copy,
):
    # given
    data_copy.replace(*BROKEN[1].values[:3])
    # when: the real command line, in its own process
    run = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "manage.py",
            "load_privacy_framework",
            "--data-dir",
            str(data_copy.folder),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        env={"DJANGO_SETTINGS_MODULE": "cop.settings.test", "PATH": "/usr/bin:/bin"},
    )
    # then: validation fails before the database is touched
    assert run.returncode == 1
    assert "  - VPD-GOV-02: unknown domain 'XYZ'" in run.stderr
    assert "CommandError: 2 problem(s) in the privacy reference data" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""

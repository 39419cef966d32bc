"""Helpers shared by the privacy reference-data tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from cop.privacy.data_files import DATA_DIR, FILES
from cop.privacy.models import (
    Criterion,
    CriterionOption,
    Domain,
    Framework,
    FrameworkItem,
    Module,
    RedFlag,
    Severity,
    Source,
)

REFERENCE_MODELS = [
    Framework,
    FrameworkItem,
    Source,
    Domain,
    Module,
    Criterion,
    CriterionOption,
    Severity,
    RedFlag,
    Criterion.derived_items.through,
    RedFlag.related_criteria.through,
]


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Return every column of every reference-data row (timestamps included)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in REFERENCE_MODELS
    }


def shipped(name: str) -> Any:
    """Return one parsed file of the shipped reference data."""
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


class DataCopy:
    """A writable copy of the shipped files, edited by plain text replacement."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            shutil.copyfile(DATA_DIR / name, folder / name)

    def replace(self, name: str, old: str, new: str) -> None:
        path = self.folder / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

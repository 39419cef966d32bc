"""Fixtures for the privacy reference-data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from cop.privacy.services import LoadReport, reference_data_load
from tests.cop.privacy.support import DataCopy


@pytest.fixture
def data_copy(tmp_path: Path) -> DataCopy:
    return DataCopy(tmp_path / "data")


@pytest.fixture
def loaded(db: None) -> LoadReport:
    """The shipped reference data, loaded into the test database."""
    return reference_data_load()

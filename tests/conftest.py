"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    """Keep uploaded files, the erasure ledger and backups of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.COP_ERASURE_LEDGER = tmp_path / "erasure-ledger.jsonl"
    settings.COP_BACKUP_DIR = tmp_path / "backups"

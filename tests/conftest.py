"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_and_var(settings, tmp_path):
    """Keep uploaded files of a test inside its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"

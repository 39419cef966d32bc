"""Benchmarks run only when asked for: ``pytest tests/bench`` or ``COP_BENCH=1``.

A plain ``pytest`` (all of ``tests/``) skips the tests marked ``bench``: they start
a server and seed a database, which takes minutes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _asked_for(config: pytest.Config) -> bool:
    if os.environ.get("COP_BENCH") == "1":
        return True
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0]).resolve()
        if path == HERE or HERE in path.parents:
            return True
    return False


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    if _asked_for(config):
        return
    skip = pytest.mark.skip(
        reason="benchmark: run `pytest tests/bench` or `make bench`"
    )
    for item in items:
        if item.get_closest_marker("bench"):
            item.add_marker(skip)

"""Where cop's code and its runtime state live (shared by the settings modules)."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Runtime state of the embedded default (SQLite file, broker queue, cache, beat schedule).
VAR_DIR = Path(environ.Env()("COP_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

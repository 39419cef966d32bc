"""Opt-in reading history: read markers and where to continue.

Owner while the discussions are built: H3.
"""

from __future__ import annotations

__all__: list[str] = []

"""Coordinated red flags: vendor response, release by moderator or by the window's end.

Owner while the discussions are built: H3.
"""

from __future__ import annotations

__all__: list[str] = []

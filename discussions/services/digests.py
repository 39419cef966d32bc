"""Digest scheduling, building and idempotent sending.

Owner while the discussions are built: H6.
"""

from __future__ import annotations

__all__: list[str] = []

"""A member's notifications and follow levels.

Owner while the discussions are built: H5.
"""

from __future__ import annotations

__all__: list[str] = []

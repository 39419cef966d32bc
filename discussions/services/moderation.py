"""Member flags, auto-hide and every moderator action, each audited.

Owner while the discussions are built: H2.
"""

from __future__ import annotations

__all__: list[str] = []

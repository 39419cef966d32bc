"""Follow levels on spaces, topics, tags, vendors and products.

Owner while the discussions are built: H5.
"""

from __future__ import annotations

__all__: list[str] = []

"""Search over the topics and posts a viewer may see.

Owner while the discussions are built: H3.
"""

from __future__ import annotations

__all__: list[str] = []

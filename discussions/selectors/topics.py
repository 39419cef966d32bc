"""Topic lists, topic detail context and similar-topic suggestions.

Owner while the discussions are built: H1b.
"""

from __future__ import annotations

__all__: list[str] = []

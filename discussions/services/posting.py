"""Topic and post creation, editing, Q&A, helpful marks and tags.

Owner while the discussions are built: H1a.
"""

from __future__ import annotations

__all__: list[str] = []

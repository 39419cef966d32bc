"""The moderators' review queue and the public moderation log.

Owner while the discussions are built: H2.
"""

from __future__ import annotations

__all__: list[str] = []

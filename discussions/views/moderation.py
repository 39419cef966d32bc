"""Views: moderation.

Owner while the discussions are built: H2.
"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []

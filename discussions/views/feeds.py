"""Views: feeds.

Owner while the discussions are built: H3.
"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []

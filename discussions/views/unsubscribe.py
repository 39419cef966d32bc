"""Views: unsubscribe.

Owner while the discussions are built: H6.
"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []

"""Views: reading.

Owner while the discussions are built: H1b.
"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []

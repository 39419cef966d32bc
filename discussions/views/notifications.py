"""Views: notifications.

Owner while the discussions are built: H5.
"""

from __future__ import annotations

from typing import Any

urlpatterns: list[Any] = []

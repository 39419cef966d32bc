"""drf-spectacular hooks: the published schema describes the public API only."""

from __future__ import annotations

from typing import Any

PUBLIC_API_PREFIX = "/api/v1/"


def public_api_only(
    endpoints: list[tuple[Any, ...]], **kwargs: Any
) -> list[tuple[Any, ...]]:
    """Keep the endpoints under ``/api/v1/``; drop Wagtail's internal admin API."""
    return [
        endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_API_PREFIX)
    ]

"""Caching of the discussion pages that never serves stale or someone else's content.

Contract (used by the views and the services):

- :func:`cached_for_anonymous` decorates a view whose anonymous response may be
  cached; ``scopes(request, **kwargs)`` names the version keys the page depends on
  (e.g. ``["site", "space:3", "topic:17"]``).
- :func:`content_changed` is called by every service that changes what a page
  shows (inside its transaction; it bumps the versions after commit).

Until the caching work lands both are pass-throughs.

Owner while the discussions are built: H4.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["cached_for_anonymous", "content_changed"]


def cached_for_anonymous(
    scopes: Callable[..., Iterable[str]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator caching the view's anonymous responses under ``scopes``' versions."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        return view

    return decorate


def content_changed(
    *, space_id: int | None = None, topic_id: int | None = None
) -> None:
    """Invalidate cached pages showing ``space_id`` / ``topic_id`` (and site-wide lists)."""

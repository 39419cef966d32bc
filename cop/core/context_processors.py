"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Expose the site name and environment to templates (no per-user data)."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "cop_environment": settings.COP_ENVIRONMENT,
    }

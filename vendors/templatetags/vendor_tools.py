"""Template filters of the vendor tools (``{% load vendor_tools %}``)."""

from __future__ import annotations

from typing import Any

from django import template

from vendors import permissions

register = template.Library()


@register.filter
def can_use_vendor_tools(user: Any) -> bool:
    """Return whether ``user`` gets the "Vendor tools" entry (representatives, moderators)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        permissions.can_access_vendor_admin(user)
    )


@register.filter
def response_figures(row: Any, kind: str) -> Any:
    """Return one kind's figures of a quarter's responsiveness (``red_flags``, ``licensing``)."""
    return row.licensing if kind == "licensing" else row.red_flags

"""Template helpers of red flags and reading markers (``{% load redflag_tags %}``).

Permission filters only call :mod:`discussions.permissions`; no rule is written here.
"""

from __future__ import annotations

from typing import Any

from django import template

from discussions import permissions

register = template.Library()


@register.filter
def can_respond_as_vendor(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may post the vendor's response to red flag ``topic``."""
    return permissions.can_respond_as_vendor(viewer, topic)


@register.filter
def can_release_red_flag(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may publish red flag ``topic`` before its window ends."""
    return topic.is_embargoed and permissions.can_moderate(viewer, topic.space)

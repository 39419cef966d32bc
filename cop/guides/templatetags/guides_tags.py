"""Template tags of the guides pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def reference_lookup(mapping: Mapping[str, Any] | None, code: str) -> Any:
    """Return the reference row under ``code`` loaded by the page, or ``None``."""
    return (mapping or {}).get(code)


@register.simple_tag
def section_follow_state(user: Any, section: str) -> dict[str, Any] | None:
    """Return the follow menu's state of ``section`` for a signed-in ``user``, else None."""
    from cop.guides.selectors_members import section_follow_state as state

    if not getattr(user, "is_authenticated", False):
        return None
    return state(viewer=user, section=section)

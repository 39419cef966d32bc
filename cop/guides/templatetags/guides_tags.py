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

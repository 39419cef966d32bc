"""Template tags of the platform's own privacy pages."""

from __future__ import annotations

from typing import Any

from django import template

from cop.privacy.retention import retention_rules

register = template.Library()


@register.inclusion_tag("privacy/includes/retention_table.html")
def retention_table() -> dict[str, Any]:
    """Render the retention periods in force, from the same rules the job enforces."""
    return {"rules": retention_rules()}

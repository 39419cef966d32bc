"""Template tags: the unread notification badge and the follow control's state."""

from __future__ import annotations

import logging
from typing import Any, cast

from django import template
from django.db import DatabaseError
from django.urls import reverse

register = template.Library()
logger = logging.getLogger(__name__)

_UNSET = object()


@register.simple_tag(takes_context=True)
def unread_notification_count(context: Any) -> int | None:
    """Return the signed-in member's unread count (one query per request), or None.

    ``None`` for visitors and whenever the count cannot be read: the header then
    shows a plain link instead of failing the page.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_cop_unread_count", _UNSET)
    if cached is not _UNSET:
        return cast("int | None", cached)
    from discussions.selectors import notification_unread_count

    count: int | None
    try:
        count = notification_unread_count(viewer=user)
    except DatabaseError:
        logger.warning("Unread notification count unavailable", exc_info=True)
        count = None
    request._cop_unread_count = count
    return count


@register.simple_tag
def follow_state(
    viewer: Any,
    topic: Any = None,
    space: Any = None,
    product: Any = None,
    vendor: Any = None,
    tag: Any = None,
) -> dict[str, Any] | None:
    """Return the follow control's state for the first target given, or None.

    ``{"action": <follow URL>, "level": <current level or "">, "target_type": ...}``;
    one query (the member's row on that target). Visitors get ``None``.
    """
    from discussions.models import FollowLevel
    from discussions.selectors import follow_level_for

    for target_type, field, obj in (
        ("topic", "topic", topic),
        ("space", "space", space),
        ("product", "product", product),
        ("vendor", "organisation", vendor),
        ("tag", "tag", tag),
    ):
        if obj is None or not getattr(obj, "pk", None):
            continue
        level = follow_level_for(viewer=viewer, **{field: obj})
        if viewer is None or not viewer.is_authenticated:
            level = None
        return {
            "action": reverse(
                "discussions:follow",
                kwargs={"target_type": target_type, "target_id": obj.pk},
            ),
            "level": level or "",
            "shown_level": level or FollowLevel.NORMAL,
            "levels": FollowLevel.choices,
            "target_type": target_type,
        }
    return None

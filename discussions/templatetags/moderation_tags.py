"""Template helpers of the moderation partials and pages (``{% load moderation_tags %}``).

Every filter reads only fields already on the object and the viewer's memoised
roles, so the per-post partial runs no query. Rules come from
:mod:`discussions.permissions`; none is written here.
"""

from __future__ import annotations

import logging
from typing import Any

from django import template
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discussions import permissions

register = template.Library()
logger = logging.getLogger(__name__)


@register.filter
def moderates(viewer: Any, space: Any = None) -> bool:
    """Return whether ``viewer`` moderates ``space`` (``{% if viewer|moderates:space %}``)."""
    return permissions.can_moderate(viewer, space)


@register.filter
def flaggable_by(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may flag ``post``."""
    return permissions.can_flag_post(viewer, post)


@register.filter
def authored_by(obj: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` (signed in) wrote ``obj`` (a post or topic)."""
    return bool(
        permissions.is_active_member(viewer)
        and obj.author_id is not None
        and obj.author_id == viewer.pk
    )


@register.filter
def hidden_label(post: Any) -> str:
    """Return why ``post`` is hidden, in words (empty when it is shown)."""
    if post.hidden_at is None:
        return ""
    if post.hidden_reason == "flags":
        return _(
            "Hidden after flags from several members, until a moderator reviews it."
        )
    return _("Hidden by a moderator.")


@register.filter
def slow_mode_label(seconds: int) -> str:
    """Return ``seconds`` of slow mode as "one post every N minutes/seconds"."""
    if not seconds:
        return ""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext(
            "Slow mode: one post per member every hour.",
            "Slow mode: one post per member every %(n)d hours.",
            hours,
        ) % {"n": hours}
    if seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext(
            "Slow mode: one post per member every minute.",
            "Slow mode: one post per member every %(n)d minutes.",
            minutes,
        ) % {"n": minutes}
    return ngettext(
        "Slow mode: one post per member every second.",
        "Slow mode: one post per member every %(n)d seconds.",
        seconds,
    ) % {"n": seconds}


_UNSET = object()


@register.simple_tag(takes_context=True)
def moderation_waiting(context: Any) -> Any:
    """Return what waits for the signed-in moderator (see ``moderation_waiting``), or None.

    Read once per request (the header and the queue page share it); ``None`` for
    everyone who does not moderate and whenever the counts cannot be read, so the
    header never fails a page.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return None
    cached = getattr(request, "_cop_moderation_waiting", _UNSET)
    if cached is not _UNSET:
        return cached
    from discussions.selectors import moderation_waiting as select_waiting

    try:
        waiting = select_waiting(viewer=user)
    except DatabaseError:
        logger.warning("Moderation counts unavailable", exc_info=True)
        waiting = None
    request._cop_moderation_waiting = waiting
    return waiting

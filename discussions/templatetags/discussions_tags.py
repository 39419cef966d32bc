"""Template helpers of the discussion pages (``{% load discussions_tags %}``).

Permission filters only call :mod:`discussions.permissions`
(``{% if post|can_edit:viewer %}``); no rule is written here. Member text is
shown only as the sanitised HTML that :mod:`discussions.markup` produced.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from discussions import permissions
from discussions.selectors import posts as post_selectors

register = template.Library()


# ----------------------------------------------------------------- permissions


@register.filter
def can_edit(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may edit ``post``."""
    return permissions.can_edit_post(viewer, post)


@register.filter
def can_mark_helpful(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may mark ``post`` helpful."""
    return permissions.can_mark_helpful(viewer, post)


@register.filter
def can_see_body(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may read ``post``'s body."""
    return permissions.can_see_post_body(viewer, post)


@register.filter
def can_flag(post: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may flag ``post``."""
    return permissions.can_flag_post(viewer, post)


@register.filter
def can_accept(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may choose ``topic``'s accepted answer."""
    return permissions.can_accept_answer(viewer, topic)


@register.filter
def can_reply(topic: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may post in ``topic``."""
    return permissions.can_reply(viewer, topic)


@register.filter
def can_create_topic(space: Any, viewer: Any) -> bool:
    """Return whether ``viewer`` may start a topic in ``space``."""
    return permissions.can_create_topic(viewer, space)


@register.filter
def can_moderate(viewer: Any, space: Any = None) -> bool:
    """Return whether ``viewer`` moderates ``space``."""
    return permissions.can_moderate(viewer, space)


# ----------------------------------------------------------------- display


@register.filter
def post_html(post: Any) -> SafeString:
    """Return ``post``'s body as the sanitised HTML the posting services stored.

    ``body_html`` is written only by :func:`discussions.markup.render_markdown`
    (in the posting and moderation services), never from raw input.
    """
    return mark_safe(post.body_html)  # noqa: S308 - sanitised by discussions.markup


@register.filter
def markdown(text: str) -> SafeString:
    """Render member Markdown through :func:`discussions.markup.render_markdown`."""
    from discussions import markup

    return mark_safe(markup.render_markdown(text or ""))  # noqa: S308 - sanitised


@register.filter
def post_url(post: Any) -> str:
    """Return the URL of ``post`` on the topic page that holds it."""
    return post_selectors.post_url(post=post)


@register.filter
def member_name(user: Any) -> str:
    """Return the name other people see for ``user`` (never an e-mail or real name)."""
    if user is None:
        return _("Former member")
    return str(user.public_name)


@register.filter
def contains(collection: Any, item: Any) -> bool:
    """Return whether ``item`` is in ``collection`` (e.g. the viewer's helpful marks)."""
    return item in (collection or ())


@register.simple_tag
def reltime(value: datetime | None) -> SafeString | str:
    """Render ``value`` as ``<time datetime=…>3 hours ago</time>`` (empty for None)."""
    if value is None:
        return ""
    now = timezone.now()
    if value > now:
        label = _("just now")
    else:
        label = _("%(since)s ago") % {"since": timesince(value, now, depth=1)}
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z"),
        label,
    )

"""Template helpers of the discussion pages (``{% load discussions_tags %}``).

Permission filters only call :mod:`discussions.permissions`
(``{% if post|can_edit:viewer %}``); no rule is written here. Member text is
shown only as the sanitised HTML that :mod:`discussions.markup` produced.

``{% post_article post %}`` and ``{% topic_row topic %}`` render the fragments a
page repeats many times in Python (:mod:`discussions.fragments`); ``{% kept_for %}``
and ``{% fresh %}`` keep a page's markup per content version
(:mod:`discussions.fragments.kept`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from discussions import permissions
from discussions.fragments.common import TimeLabels, member_name
from discussions.fragments.kept import fresh, kept_for
from discussions.fragments.posts import post_article, post_articles
from discussions.fragments.topics import topic_row
from discussions.selectors import posts as post_selectors

register = template.Library()

__all__ = ["TimeLabels", "register"]


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
    return mark_safe(str(post.body_html))  # noqa: S308 - sanitised by discussions.markup


@register.filter
def markdown(text: str) -> SafeString:
    """Render member Markdown through :func:`discussions.markup.render_markdown`."""
    from discussions import markup

    return mark_safe(markup.render_markdown(text or ""))  # noqa: S308 - sanitised


@register.filter
def post_url(post: Any) -> str:
    """Return the URL of ``post`` on the topic page that holds it."""
    return post_selectors.post_url(post=post)


register.filter("member_name", member_name)


@register.filter
def contains(collection: Any, item: Any) -> bool:
    """Return whether ``item`` is in ``collection`` (e.g. the viewer's helpful marks)."""
    return item in (collection or ())


@register.simple_tag
def reltime(value: datetime | None) -> SafeString | str:
    """Render ``value`` as ``<time datetime=…>3 hours ago</time>`` (empty for None)."""
    return TimeLabels(timezone.now())(value)


register.simple_tag(post_article, takes_context=True)
register.simple_tag(post_articles, takes_context=True)
register.simple_tag(topic_row, takes_context=True)


register.tag("kept_for", kept_for)
register.tag("fresh", fresh)

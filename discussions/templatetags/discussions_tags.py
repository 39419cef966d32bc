"""Template helpers of the discussion pages (``{% load discussions_tags %}``).

Permission filters only call :mod:`discussions.permissions`
(``{% if post|can_edit:viewer %}``); no rule is written here. Member text is
shown only as the sanitised HTML that :mod:`discussions.markup` produced.

``{% post_article post %}`` and ``{% topic_row topic %}`` render the fragments a
page repeats many times in Python (:mod:`discussions.fragments`).
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cop.core.templatetags.cop_tags import KeptNode
from discussions import permissions
from discussions.fragments.common import TimeLabels, member_name
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


# Stands for the CSRF token in kept markup (random per process, so that no member
# text can stand for it); each render puts the request's token in its place.
_CSRF_SLOT = secrets.token_hex(20)
_kept_for_blocks = itertools.count(1)


class _VersionKeptNode(KeptNode):
    def render(self, context: template.Context) -> str:
        token = context.get("csrf_token")
        if not self.keys[0].resolve(context) or token is None:
            return self.nodelist.render(context)
        with context.push(csrf_token=_CSRF_SLOT):
            html = super().render(context)
        if _CSRF_SLOT in html:  # read the token only where a form shows it
            html = html.replace(_CSRF_SLOT, str(escape(token)))
        return html


@register.tag
def kept_for(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """Keep a block's HTML under a content version: ``{% kept_for page_key more… %}…{% endkept_for %}``.

    Like ``{% kept %}`` (:func:`cop.core.templatetags.cop_tags.kept`), for markup that
    depends only on the version ``page_key`` names (e.g. the topic page's head under
    :func:`discussions.fragments.shared.shared_key`) and the other values named;
    rendered every time when ``page_key`` is empty (no cache). A ``{% csrf_token %}``
    inside gets the request's token on every render.
    """
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not keys:
        raise template.TemplateSyntaxError("kept_for needs a version key")
    # Tells this block from the template's others with the same keys (a token's
    # position is known only when templates are debugged).
    keys.append(parser.compile_filter(f'"{next(_kept_for_blocks)}"'))
    nodelist = parser.parse(("endkept_for",))
    parser.delete_first_token()
    return _VersionKeptNode(nodelist, keys)

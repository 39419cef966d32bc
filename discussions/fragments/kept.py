"""``{% kept_for version more… %}…{% fresh %}…{% endfresh %}…{% endkept_for %}``: markup kept per version.

A page block whose markup depends only on a content version (e.g. the topic page's
:func:`discussions.fragments.shared.shared_key`, which names the topic-page versions,
language, time zone, code and time bucket) and on the other values the tag names
(the viewer's class: signed in, moderates, follow level...) is rendered once per
process and key, then reused. Inside it:

- ``{% fresh %}…{% endfresh %}`` marks the parts rendered on every request (the
  viewer's posts, unread marker...). They see the page's context, never variables
  set inside the kept block; they must stand in the kept block's own template (in
  an included template they would be kept like the rest) and not in a loop.
- ``{% csrf_token %}`` gets the request's token on every render (the kept markup
  holds a per-process random stand-in, so no member text can stand for it).

With an empty version (no cache, or the cache failing) the block is rendered every
time, as if the tags were not there.
"""

from __future__ import annotations

import itertools
import secrets
from typing import Any, Final, NamedTuple

from django import template
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import escape

from cop.core.pagecache import LocalCopies

__all__ = ["FreshNode", "KeptForNode"]

_CSRF_SLOT: Final = secrets.token_hex(20)
_HOLE: Final = secrets.token_hex(20)
_COLLECTING: Final = "_discussions_kept_holes"
_blocks = itertools.count(1)
_kept = LocalCopies(8 * 1024 * 1024)


class _Kept(NamedTuple):
    parts: tuple[str, ...]  # the markup around the fresh parts
    holes: tuple[FreshNode, ...]  # the fresh parts, in order
    has_csrf: bool


class FreshNode(template.Node):
    """``{% fresh %}…{% endfresh %}``: rendered on every request (see the module docstring)."""

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        holes = context.render_context.get(_COLLECTING)
        if holes is None:
            return self.nodelist.render(context)
        holes.append(self)
        return _HOLE


class KeptForNode(template.Node):
    """``{% kept_for version more… %}…{% endkept_for %}`` (see the module docstring)."""

    def __init__(self, nodelist: template.NodeList, keys: list[Any]) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.block = next(_blocks)  # tells this block from others with equal keys

    def _key(self, context: template.Context) -> str | None:
        version = self.keys[0].resolve(context)
        if not version:
            return None
        return repr(
            (
                self.block,
                translation.get_language(),
                get_script_prefix(),
                str(version),
                *(value.resolve(context) for value in self.keys[1:]),
            )
        )

    def _collect(self, context: template.Context) -> _Kept:
        holes: list[FreshNode] = []
        outer = context.render_context.get(_COLLECTING)
        context.render_context[_COLLECTING] = holes
        try:
            with context.push(csrf_token=_CSRF_SLOT):
                html = self.nodelist.render(context)
        finally:
            context.render_context[_COLLECTING] = outer
        parts = tuple(html.split(_HOLE))
        if len(parts) != len(holes) + 1:
            raise template.TemplateSyntaxError(
                "{% fresh %} in a loop of {% kept_for %}"
            )
        return _Kept(parts, tuple(holes), _CSRF_SLOT in html)

    def render(self, context: template.Context) -> str:
        token = context.get("csrf_token")
        key = self._key(context) if token is not None else None
        if key is None:
            return self.nodelist.render(context)
        kept = _kept.get(key)
        if kept is None:
            kept = self._collect(context)
            _kept.put(key, kept, sum(len(part) for part in kept.parts))
        parts = kept.parts
        if kept.has_csrf:  # read the token only where a form shows it
            real = str(escape(token))
            parts = tuple(part.replace(_CSRF_SLOT, real) for part in parts)
        out = [parts[0]]
        for hole, part in zip(kept.holes, parts[1:], strict=True):
            out.append(hole.nodelist.render(context))
            out.append(part)
        return "".join(out)


def kept_for(parser: template.base.Parser, token: template.base.Token) -> KeptForNode:
    """Compile ``{% kept_for version more… %}…{% endkept_for %}``."""
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    if not keys:
        raise template.TemplateSyntaxError("kept_for needs a version key")
    nodelist = parser.parse(("endkept_for",))
    parser.delete_first_token()
    return KeptForNode(nodelist, keys)


def fresh(parser: template.base.Parser, token: template.base.Token) -> FreshNode:
    """Compile ``{% fresh %}…{% endfresh %}``."""
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(nodelist)

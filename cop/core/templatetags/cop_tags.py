"""Display helpers for the site-wide layout (``{% load cop_tags %}``)."""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cop.core.header import site_header

register = template.Library()
register.simple_tag(site_header, takes_context=True)


def is_current_section(path: str, href: str) -> bool:
    """Return whether ``path`` lies in the site section that ``href`` links to.

    The home link ``/`` is current only on the home page itself; every other link is
    current on its own page and on the pages below it.
    """
    if href == "/":
        return path == "/"
    return path == href or path.startswith(href.rstrip("/") + "/")


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, href: str, label: str) -> SafeString:
    """Render a navigation link, with ``aria-current="page"`` in its own section.

    Works without a request in the context (the 500 page), marking nothing current.
    """
    request: Any = context.get("request")
    path = getattr(request, "path", "")
    if path and is_current_section(path, href):
        return format_html('<a href="{}" aria-current="page">{}</a>', href, label)
    return format_html('<a href="{}">{}</a>', href, label)


_kept: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_kept_lock = threading.Lock()
_KEPT_SIZE = 2000
_block_numbers = itertools.count()


@receiver(setting_changed)
def _forget_kept(**kwargs: Any) -> None:
    # A kept block may show a setting (a static file's URL, a reversed URL).
    with _kept_lock:
        _kept.clear()


class KeptNode(template.Node):
    """``{% kept key ... %}…{% endkept %}``: see :func:`kept`."""

    def __init__(
        self, nodelist: template.NodeList, keys: list[Any], where: Any
    ) -> None:
        self.nodelist = nodelist
        self.keys = keys
        self.where = where  # a number per compiled block: two blocks never share

    def render(self, context: template.Context) -> str:
        if settings.DEBUG:
            return self.nodelist.render(context)
        origin = getattr(self.origin, "name", None)
        key = (
            origin,
            self.where,
            translation.get_language(),
            get_script_prefix(),
            *(value.resolve(context) for value in self.keys),
        )
        with _kept_lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
                return html
        html = self.nodelist.render(context)
        with _kept_lock:
            _kept[key] = html
            while len(_kept) > _KEPT_SIZE:
                _kept.popitem(last=False)
        return html


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """Keep a block's HTML in this process, keyed on the values named in the tag.

    ``{% kept topic.pk %}{% include "…/composer.html" %}{% endkept %}`` renders the
    block once per language and key values. Only for markup that depends on nothing
    else: never a CSRF token, a member's name, a count or a form with data. Off with
    ``DEBUG`` (templates edited while the server runs).
    """
    keys = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, keys, next(_block_numbers))

"""Display helpers for the site-wide layout (``{% load cop_tags %}``)."""

from __future__ import annotations

from typing import Any

from django import template
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

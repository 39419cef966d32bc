"""Template filter that renders the code of conduct's Markdown safely.

Usage: ``{% load conduct_tags %}`` then ``{{ version.body|conduct_markdown }}``.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    # CommonMark with raw HTML switched off: "<script>" in the text stays text.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


@register.filter
def conduct_markdown(text: str) -> SafeString:
    """Return ``text`` rendered from Markdown, with raw HTML escaped and links checked.

    nh3 cleans the result once more so that only plain formatting and http(s)/mailto
    links survive, whatever markdown-it lets through.
    """
    html = _renderer().render(text or "")
    cleaned = nh3.clean(html, url_schemes={"http", "https", "mailto"})
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above

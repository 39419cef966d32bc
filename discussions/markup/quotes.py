"""Quote a post as Markdown for a reply."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .mentions import _QUOTE_LINE

if TYPE_CHECKING:
    from discussions.models import Post


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~@])")


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def quote_markdown(*, post: Post, max_chars: int = 2_000) -> str:
    """Return the Markdown block that quotes ``post`` in a reply, linking to it.

    Quotes inside the quoted post are left out, and long posts are cut at
    ``max_chars`` (the link leads to the whole post).
    """
    try:
        url = reverse("discussions:post_link", kwargs={"post_id": post.pk})
    except NoReverseMatch:
        url = f"/discussions/p/{post.pk}/"
    author = post.author
    name = (author.display_name if author else "") or _("a former member")
    body = _QUOTE_LINE.sub("", post.body or "")
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    if len(body) > max_chars:
        body = body[:max_chars].rstrip() + " …"
    header = _("%(name)s [wrote](%(url)s):") % {
        "name": f"**{_escape_markdown(name)}**",
        "url": url,
    }
    lines = [header, "", *body.split("\n")]
    return "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"

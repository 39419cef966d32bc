"""Parse member Markdown with markdown-it-py (raw HTML off) and measure it against fixed limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

if TYPE_CHECKING:
    from collections.abc import Sequence


#: Deepest nesting of block quotes, lists and inline markup markdown-it builds.
MAX_NESTING = 20
#: Most links (including images, which render as links) in one post.
MAX_LINKS = 1_000
#: Most table cells in one post (a 100 x 50 table).
MAX_TABLE_CELLS = 5_000


#: Most distinct local pages of each kind whose titles a post shows (bounded query size).
MAX_PREVIEWS_PER_KIND = 50
#: The ``rel`` of every member link.
LINK_REL = "nofollow ugc noopener noreferrer"

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_BARE_URL = re.compile(r"(?<![\w@/.\-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?*_~'\""


def _validate_link(url: str) -> bool:
    """Return whether a (normalised) link target is allowed: http(s), mailto or a site path."""
    url = url.strip()
    if not url or "\\" in url or any(c.isspace() or ord(c) < 0x20 for c in url):
        return False
    match = _SCHEME.match(url)
    if match:
        return match.group(1).lower() in _ALLOWED_SCHEMES
    # No scheme: only paths on this site and fragments (never protocol-relative //host).
    return (url.startswith("/") and not url.startswith("//")) or url.startswith("#")


def _linkify(state: Any) -> None:
    """Core rule: turn bare http(s) URLs in text into links (markup ``linkify``)."""
    md = state.md
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type != "text" or in_link or "://" not in token.content:
                children.append(token)
                continue
            children.extend(_split_urls(md, token))
        block.children = children


def _split_urls(md: MarkdownIt, token: Token) -> list[Token]:
    text = token.content
    out: list[Token] = []
    pos = 0
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1].rstrip(_URL_TRAILING)
        href = md.normalizeLink(url)
        if not _validate_link(href):
            continue
        start, end = match.start(), match.start() + len(url)
        if start > pos:
            out.append(_text_token(text[pos:start], token.level))
        link_open = Token("link_open", "a", 1, attrs={"href": href}, markup="linkify")
        link_open.info = "auto"
        link_open.level = token.level
        out.extend(
            [
                link_open,
                _text_token(md.normalizeLinkText(url), token.level + 1),
                Token("link_close", "a", -1, markup="linkify", level=token.level),
            ]
        )
        pos = end
    if not out:
        return [token]
    if pos < len(text):
        out.append(_text_token(text[pos:], token.level))
    return out


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, content=content, level=level)


def _render_image(
    renderer: Any, tokens: list[Token], idx: int, options: Any, env: Any
) -> str:
    """Render an image as a plain link to it: no request to any host, ever."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env).strip()
    label = _("Image: %(alt)s") % {"alt": alt} if alt else _("Image")
    if not src:
        return escape(label)
    return f'<a href="{escape(src)}">{escape(label)}</a>'


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": False, "maxNesting": MAX_NESTING, "typographer": False}
    )
    md.enable(["table", "strikethrough"])
    md.validateLink = _validate_link  # type: ignore[method-assign]
    md.core.ruler.push("cop_linkify", _linkify)
    md.add_render_rule("image", _render_image)
    return md


@dataclass
class _Analysis:
    tokens: list[Token]
    links: list[Token] = field(default_factory=list)
    problem: str = ""


def _walk(tokens: Sequence[Token]) -> Any:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


@lru_cache(maxsize=32)
def _analyse(text: str) -> _Analysis:
    """Parse ``text`` once and report the first limit it breaks (cached per text)."""
    tokens = _markdown().parse(text)
    analysis = _Analysis(tokens=tokens)
    cells = 0
    deepest = 0
    for token in _walk(tokens):
        deepest = max(deepest, token.level)
        if token.type in ("link_open", "image"):
            analysis.links.append(token)
        elif token.type in ("td_open", "th_open"):
            cells += 1
    if len(analysis.links) > MAX_LINKS:
        analysis.problem = _(
            "A message can have at most %(max)d links (this one has %(n)d)."
        ) % {"max": MAX_LINKS, "n": len(analysis.links)}
    elif cells > MAX_TABLE_CELLS:
        analysis.problem = _(
            "Tables can have at most %(max)d cells in one message (this one has %(n)d)."
        ) % {"max": MAX_TABLE_CELLS, "n": cells}
    elif deepest >= MAX_NESTING - 1:
        # markdown-it stops building blocks at maxNesting: reaching it means the
        # text was cut, not rendered.
        analysis.problem = _(
            "The message is nested too deeply (quotes or lists inside each other); "
            "please simplify it."
        )
    return analysis

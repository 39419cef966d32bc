"""Member Markdown: validation, safe rendering, mentions and quotes.

Member text is never trusted. It is parsed by markdown-it-py with raw HTML off,
checked against fixed limits (length, links, table cells, nesting), turned into
HTML with our own rules (demoted headings, images shown as links, local link
"previews") and cleaned by nh3 with a short allow-list. Nothing here fetches
anything remote: a bare link to one of cop's own topic, product, criterion or
red-flag pages shows its title from the database (a fixed number of queries per
post, whatever the number of links); any other bare link shows only its host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.token import Token

from discussions.models import BODY_MAX_LENGTH

if TYPE_CHECKING:
    from collections.abc import Sequence

    from discussions.models import Post

__all__ = [
    "BODY_MAX_LENGTH",
    "LINK_REL",
    "MAX_LINKS",
    "MAX_MENTIONS",
    "MAX_NESTING",
    "MAX_TABLE_CELLS",
    "mention_groups",
    "mention_names",
    "quote_markdown",
    "render_markdown",
    "validate_body",
    "validate_plain_line",
]

#: Deepest nesting of block quotes, lists and inline markup markdown-it builds.
MAX_NESTING = 20
#: Most links (including images, which render as links) in one post.
MAX_LINKS = 1_000
#: Most table cells in one post (a 100 x 50 table).
MAX_TABLE_CELLS = 5_000
#: Most members one post can mention.
MAX_MENTIONS = 20
#: Most distinct local pages of each kind whose titles a post shows (bounded query size).
MAX_PREVIEWS_PER_KIND = 50
#: The ``rel`` of every member link.
LINK_REL = "nofollow ugc noopener noreferrer"

_ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
_ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

# Bidirectional embeddings, overrides and isolates (Trojan Source), refused anywhere.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that show nothing: a body made only of these (and spaces) is empty.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_BARE_URL = re.compile(r"(?<![\w@/.\-])https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?*_~'\""


# ----------------------------------------------------------------- validation


def _control_problem(text: str, *, allow_newlines: bool) -> bool:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI_CONTROLS:
            return True
    return False


def _is_blank(text: str) -> bool:
    return not any(not c.isspace() and c not in _INVISIBLE for c in text)


def validate_plain_line(
    value: Any, *, min_length: int = 0, max_length: int, label: str
) -> str:
    """Return the one-line text ``value`` trimmed with single spaces, or raise ``ValidationError``.

    For titles, clause references and similar short fields: no control, bidi or
    line-break characters, at least ``min_length`` visible characters.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(label)s must be text.") % {"label": label})
    text = value.strip()
    if _control_problem(text, allow_newlines=False):
        raise ValidationError(
            _("%(label)s cannot contain control or invisible formatting characters.")
            % {"label": label},
            code="control_characters",
        )
    text = re.sub(r"\s+", " ", text)
    if min_length and (_is_blank(text) or len(text) < min_length):
        raise ValidationError(
            _("%(label)s needs at least %(min)d characters.")
            % {"label": label, "min": min_length},
            code="min_length",
        )
    if len(text) > max_length:
        raise ValidationError(
            _("%(label)s can have at most %(max)d characters (it has %(n)d).")
            % {"label": label, "max": max_length, "n": len(text)},
            code="max_length",
        )
    return text


def validate_body(text: Any) -> str:
    """Return the Markdown ``text`` normalised, or raise ``ValidationError``.

    Carriage returns are removed and surrounding blank lines trimmed. Refused:
    empty (or only invisible characters), longer than ``BODY_MAX_LENGTH``, control
    characters other than newline and tab, bidi overrides, more than
    ``MAX_LINKS`` links, more than ``MAX_TABLE_CELLS`` table cells, and nesting
    deeper than ``MAX_NESTING``.
    """
    if not isinstance(text, str):
        raise ValidationError(_("Please write a message."), code="empty")
    text = text.replace("\r", "").strip("\n").rstrip()
    if _is_blank(text):
        raise ValidationError(_("Please write a message."), code="empty")
    if len(text) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("A message can have at most %(max)d characters (this one has %(n)d).")
            % {"max": BODY_MAX_LENGTH, "n": len(text)},
            code="max_length",
        )
    if _control_problem(text, allow_newlines=True):
        raise ValidationError(
            _(
                "The message contains control or bidirectional formatting characters; "
                "please remove them."
            ),
            code="control_characters",
        )
    problem = _analyse(text).problem
    if problem:
        raise ValidationError(problem, code="structure")
    return text


# ----------------------------------------------------------------- parsing


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


# ----------------------------------------------------------------- rendering


def render_markdown(text: str) -> str:
    """Return ``text`` (member Markdown) as sanitised HTML, safe to show as is.

    Text that breaks a limit (see :func:`validate_body`) is shown as escaped plain
    text instead of being parsed further.
    """
    text = (text or "").replace("\r", "")
    if len(text) > BODY_MAX_LENGTH or _control_problem(text, allow_newlines=True):
        return _render_plain(text[:BODY_MAX_LENGTH])
    analysis = _analyse(text)
    if analysis.problem:
        return _render_plain(text)
    md = _markdown()
    tokens = [_copy(token) for token in analysis.tokens]
    _prepare(tokens)
    html = md.renderer.render(tokens, md.options, {})
    return _clean(html)


def _render_plain(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n{2,}", text) if p.strip()]
    html = "".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return _clean(html)


def _clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(_ALLOWED_TAGS),
        attributes={k: set(v) for k, v in _ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(_ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _copy(token: Token) -> Token:
    # The parse is cached; rendering changes tokens, so it works on a copy.
    clone = token.copy()
    if token.children:
        clone.children = [_copy(child) for child in token.children]
    return clone


def _prepare(tokens: list[Token]) -> None:
    """Demote headings and give bare links their preview text (constant queries)."""
    bare: list[tuple[Token, str]] = []
    for block in tokens:
        if block.type in ("heading_open", "heading_close"):
            block.tag = f"h{min(6, int(block.tag[1:]) + 2)}"
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        for i, token in enumerate(children):
            if (
                token.type == "link_open"
                and token.markup in ("autolink", "linkify")
                and i + 1 < len(children)
                and children[i + 1].type == "text"
            ):
                href = str(token.attrGet("href") or "")
                if href.lower().startswith(("http://", "https://")):
                    bare.append((children[i + 1], href))
    if not bare:
        return
    titles = _local_titles([href for _, href in bare])
    for text_token, href in bare:
        text_token.content = titles.get(href) or _host(href)


def _host(href: str) -> str:
    try:
        return urlsplit(href).hostname or href
    except ValueError:
        return href


def _local_route(href: str) -> tuple[str, tuple[str, ...]] | None:
    """Return ``(kind, key)`` when ``href`` is one of cop's topic/product/reference pages."""
    try:
        parts = urlsplit(href)
        site = urlsplit(settings.SITE_URL)
    except ValueError:
        return None
    if (parts.hostname or "") != (site.hostname or "") or parts.port != site.port:
        return None
    path = parts.path or "/"
    topic = re.match(r"^/discussions/t/(\d{1,18})(?:/|$)", path)
    if topic:
        return ("topic", (topic.group(1),))
    try:
        match = resolve(path)
    except (Resolver404, ValueError):
        return None
    kwargs = match.kwargs
    if match.view_name == "vendors:product_detail":
        return ("product", (kwargs["vendor_slug"], kwargs["product_slug"]))
    if match.view_name == "privacy:criterion_detail":
        return ("criterion", (str(kwargs["code"]).upper(),))
    if match.view_name == "privacy:red_flag_detail":
        return ("red_flag", (str(kwargs["code"]).upper(),))
    return None


def _local_titles(hrefs: list[str]) -> dict[str, str]:
    """Return the titles of the local pages among ``hrefs``: at most one query per kind.

    Topics are named only when anyone may read them (public space, approved, not
    hidden, not embargoed): the rendering is stored and shown to every reader.
    """
    from django.contrib.auth.models import AnonymousUser

    from cop.privacy.models import Criterion, RedFlag
    from discussions.models import Topic
    from discussions.permissions import visible_topic_q
    from vendors.models import Product

    routes: dict[str, tuple[str, tuple[str, ...]]] = {}
    wanted: dict[str, set[tuple[str, ...]]] = {}
    for href in hrefs:
        route = _local_route(href)
        if route is None:
            continue
        keys = wanted.setdefault(route[0], set())
        if route[1] in keys or len(keys) < MAX_PREVIEWS_PER_KIND:
            keys.add(route[1])
            routes[href] = route
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    if wanted.get("topic"):
        ids = [int(key[0]) for key in wanted["topic"]]
        for pk, title in (
            Topic.objects.filter(pk__in=ids)
            .filter(visible_topic_q(AnonymousUser()))
            .values_list("pk", "title")
        ):
            found[("topic", (str(pk),))] = title
    if wanted.get("product"):
        condition = Q()
        for vendor_slug, product_slug in wanted["product"]:
            condition |= Q(organisation__slug=vendor_slug, slug=product_slug)
        for vendor_slug, product_slug, name in Product.objects.filter(
            condition
        ).values_list("organisation__slug", "slug", "name"):
            found[("product", (vendor_slug, product_slug))] = name
    for kind, model in (("criterion", Criterion), ("red_flag", RedFlag)):
        if wanted.get(kind):
            codes = [key[0] for key in wanted[kind]]
            for code, title in (
                model.objects.current()
                .filter(code__in=codes)
                .values_list("code", "title")
            ):
                found[(kind, (code,))] = f"{code}: {title}"
    return {href: found[route] for href, route in routes.items() if route in found}


# ----------------------------------------------------------------- mentions


_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?(?:^ {0,3}\1[ \t]*$|\Z)", re.M | re.S)
_INLINE_CODE = re.compile(r"(`+).+?\1", re.S)
_QUOTE_LINE = re.compile(r"^ {0,3}>.*$", re.M)
_MENTION = re.compile(
    r"(?<![\w@.])@(?:\"([^\"\n]{1,40})\"|\[([^\]\n]{1,40})\]"
    r"|([^\W_][\w.'\-]*(?:[ ][^\W_][\w.'\-]*){0,3}))"
)


def mention_groups(text: str) -> list[list[str]]:
    """Return, per @mention in ``text``, the candidate display names, longest first.

    ``@"Two Words"`` and ``@[Two Words]`` name exactly; a bare ``@Riverbend Reader``
    may mean "Riverbend" or "Riverbend Reader", so both are candidates and the
    longest existing name wins. Code and quoted lines are skipped (quoting a post
    does not mention its people again). At most ``MAX_MENTIONS`` mentions.
    """
    text = _CODE_FENCE.sub("", text or "")
    text = _INLINE_CODE.sub("", text)
    text = _QUOTE_LINE.sub("", text)
    groups: list[list[str]] = []
    seen: set[str] = set()
    for match in _MENTION.finditer(text):
        exact = match.group(1) or match.group(2)
        if exact:
            candidates = [exact.strip()]
        else:
            words = match.group(3).split(" ")
            candidates = [
                " ".join(words[:k]).rstrip(".'-") for k in range(len(words), 0, -1)
            ]
        candidates = [c for c in candidates if 3 <= len(c) <= 40]
        key = "\n".join(candidates)
        if not candidates or key in seen:
            continue
        seen.add(key)
        groups.append(candidates)
        if len(groups) >= MAX_MENTIONS:
            break
    return groups


def mention_names(text: str) -> list[str]:
    """Return the display names ``text`` may @mention (every candidate, in order, once)."""
    names: list[str] = []
    for group in mention_groups(text):
        names.extend(name for name in group if name not in names)
    return names


# ----------------------------------------------------------------- quotes


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

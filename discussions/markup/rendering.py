"""Render member Markdown to HTML cleaned by nh3, with titles of cop's own linked pages."""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.db.models import Q
from django.urls import Resolver404, resolve
from markdown_it.token import Token

from discussions.models import BODY_MAX_LENGTH

from .mentions import mention_candidates, mention_matches
from .parsing import (
    _ALLOWED_SCHEMES,
    LINK_REL,
    MAX_PREVIEWS_PER_KIND,
    _analyse,
    _markdown,
)
from .validation import _control_problem

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
    """Demote headings, link @mentions, give bare links their preview text.

    A constant number of queries: one for the mentioned members (if any), at most
    one per kind of local page linked.
    """
    bare: list[tuple[Token, str]] = []
    mentions: list[tuple[Token, list[re.Match[str]]]] = []
    for block in tokens:
        if block.type in ("heading_open", "heading_close"):
            block.tag = f"h{min(6, int(block.tag[1:]) + 2)}"
        if block.type != "inline" or not block.children:
            continue
        children = block.children
        in_link = 0
        for token in children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            elif token.type == "text" and not in_link and "@" in token.content:
                found = mention_matches(token.content)
                if found:
                    mentions.append((token, found))
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
    if mentions:
        _link_mentions(tokens, mentions)
    if not bare:
        return
    titles = _local_titles([href for _, href in bare])
    for text_token, href in bare:
        text_token.content = titles.get(href) or _host(href)


def _mentioned_members(names: set[str]) -> dict[str, tuple[int, str]]:
    """Return ``{shape key: (user id, display name)}`` of the active members named."""
    from django.contrib.auth import get_user_model

    from cop.members.validators import display_name_key

    keys = {display_name_key(name) for name in names}
    rows = (
        get_user_model()
        .objects.filter(display_name_key__in=keys, is_active=True)
        .values_list("display_name_key", "pk", "display_name")
    )
    return {key: (pk, name) for key, pk, name in rows if key}


def _link_mentions(
    tokens: list[Token], mentions: list[tuple[Token, list[re.Match[str]]]]
) -> None:
    """Turn each ``@name`` of an existing member into a link to their page.

    The longest candidate that names a member wins, as for notifications; a name
    nobody has stays plain text. Works on the inline tokens in place.
    """
    from django.urls import reverse

    from cop.members.validators import display_name_key

    names = {
        name
        for _token, found in mentions
        for match in found
        for name in mention_candidates(match)
    }
    members = _mentioned_members(names)
    if not members:
        return
    replacements: dict[int, list[Token]] = {}
    for token, found in mentions:
        pieces: list[Token] = []
        text = token.content
        at = 0
        for match in found:
            exact = bool(match.group(1) or match.group(2))
            chosen = next(
                (
                    (name, members[display_name_key(name)])
                    for name in mention_candidates(match)
                    if display_name_key(name) in members
                ),
                None,
            )
            if chosen is None:
                continue
            name, (pk, display_name) = chosen
            end = match.end() if exact else match.start() + 1 + len(name)
            pieces.append(_text_token(text[at : match.start()]))
            link = Token("link_open", "a", 1)
            link.attrSet(
                "href", reverse("members:member_detail", kwargs={"user_id": pk})
            )
            pieces += [
                link,
                _text_token(f"@{display_name}"),
                Token("link_close", "a", -1),
            ]
            at = end
        if pieces:
            pieces.append(_text_token(text[at:]))
            replacements[id(token)] = [
                piece for piece in pieces if piece.type != "text" or piece.content
            ]
    for block in tokens:
        if block.type == "inline" and block.children:
            block.children = [
                piece
                for child in block.children
                for piece in replacements.get(id(child), [child])
            ]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


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

"""Search over the topics and posts a viewer may see.

On PostgreSQL, :mod:`discussions.selectors.fulltext` searches stored, GIN-indexed
``tsvector`` documents with the visibility rule in the same SQL: one statement gives
a ranked page of topics and the exact number of matching topics.

Elsewhere (the embedded SQLite default) it uses Wagtail's search framework
(``get_search_backend()``: SQLite FTS5 or the plain database fallback). ``Topic``
and ``Post`` are ``index.Indexed`` models, so Wagtail's signal handlers index them
on every save; rows written without ``save()`` (``bulk_create``, ``update()``) need
``manage.py update_index``. The backends only accept filters on declared
``FilterField``s, so the visibility rules cannot go into the searched queryset:
every match of each model is fetched (ids only) and intersected with
``permissions.visible_topic_q`` / ``visible_post_q`` in one ordinary query, exactly
the rules of every other list. That is linear in the number of matches, which the
small sites the embedded database is for can afford.

Either way a post's text counts for its topic: a topic matches when its title does
or when one of its posts the viewer may read does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from discussions import permissions
from discussions.models import Post, Topic

from .reading import (
    ReadMarker,
    read_marker_for,
    read_markers_attach,
    read_states_for,
    reading_history_enabled,
)

if TYPE_CHECKING:
    from discussions.models import Space

__all__ = [
    "MAX_QUERY_LENGTH",
    "RESULTS_PER_PAGE",
    "ReadMarker",
    "SearchHit",
    "SearchQueryError",
    "read_marker_for",
    "read_markers_attach",
    "read_states_for",
    "reading_history_enabled",
    "search_terms",
    "search_topics",
]

#: Longest query accepted, in characters.
MAX_QUERY_LENGTH = 200
#: Most words used from a query (the rest are ignored, and the page says so).
MAX_TERMS = 12
#: Topics per results page.
RESULTS_PER_PAGE = 25
#: Characters of text around the first match shown as the snippet.
SNIPPET_LENGTH = 240

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class SearchQueryError(ValueError):
    """The query cannot be searched; ``str(error)`` tells the member why."""


@dataclass
class SearchHit:
    """One topic in the results, with the matching post's plain-text snippet."""

    topic: Topic
    post: Post | None = None
    url: str = ""
    # (text, is_match) pieces of the snippet: the template escapes each piece.
    snippet: list[tuple[str, bool]] = field(default_factory=list)


def search_terms(query: str) -> list[str]:
    """Return the words of ``query`` to search for, or raise :class:`SearchQueryError`."""
    query = (query or "").strip()
    if not query:
        raise SearchQueryError(_("Enter one or more words to search for."))
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            _("Your search is too long: use at most %(max)d characters.")
            % {"max": MAX_QUERY_LENGTH}
        )
    words: dict[str, None] = {}
    for word in _WORD.findall(query):
        words.setdefault(word.casefold(), None)
    if not words:
        raise SearchQueryError(
            _("Your search has no letters or digits to look for: try some words.")
        )
    return list(words)[:MAX_TERMS]


def _ranked_ids(queryset: Any, text: str, *fields: str) -> list[Any]:
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    with (
        transaction.atomic()
    ):  # a backend error must not break the request's transaction
        return list(backend.search(text, queryset.only(*fields), operator="and"))


def _topic_filters(prefix: str, space: Space | None, kind: str | None) -> Q:
    filters = Q()
    if space is not None:
        filters &= Q(**{f"{prefix}space_id": space.pk})
    if kind:
        filters &= Q(**{f"{prefix}kind": kind})
    return filters


def _matching_topic_ids(
    *, viewer: Any, terms: list[str], space: Space | None, kind: str | None
) -> tuple[list[int], dict[int, int]]:
    """Return the visible matching topic ids, best first, and each one's best post id."""
    text = " ".join(terms)
    try:
        title_hits = [
            t.pk
            for t in _ranked_ids(
                Topic.objects.filter(_topic_filters("", space, kind)), text, "id"
            )
        ]
        post_hits = [
            (p.pk, p.topic_id)
            for p in _ranked_ids(Post.objects.all(), text, "id", "topic_id")
        ]
    except DatabaseError as error:
        raise SearchQueryError(
            _("Search could not run this query. Try other words.")
        ) from error
    visible_post_ids = set(
        Post.objects.filter(pk__in=[pk for pk, _ in post_hits])
        .filter(permissions.visible_post_q(viewer))
        .filter(permissions.visible_topic_q(viewer, prefix="topic__"))
        .filter(_topic_filters("topic__", space, kind))
        .values_list("pk", flat=True)
    )
    rank: dict[int, int] = {}
    best_post: dict[int, int] = {}
    position = 0
    for post_id, topic_id in post_hits:
        if post_id in visible_post_ids and topic_id not in best_post:
            best_post[topic_id] = post_id
            rank[topic_id] = position
            position += 1
    title_candidates = [pk for pk in title_hits if pk not in rank]
    visible_titles = set(
        Topic.objects.filter(pk__in=title_candidates)
        .filter(permissions.visible_topic_q(viewer))
        .values_list("pk", flat=True)
    )
    for index, topic_id in enumerate(title_hits):
        if topic_id in visible_titles or topic_id in rank:
            rank[topic_id] = min(rank.get(topic_id, index), index)
    ordered = sorted(rank, key=lambda pk: (rank[pk], -pk))
    return ordered, best_post


def _plain_text(post: Post) -> str:
    source = post.body_html or post.body or ""
    text = html.unescape(strip_tags(source))
    return " ".join(text.split())


def snippet_pieces(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """Return an excerpt of ``text`` around the first term as (text, is_match) pieces."""
    if not text:
        return []
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
        re.IGNORECASE,
    )
    first = pattern.search(text)
    start = max((first.start() if first else 0) - SNIPPET_LENGTH // 3, 0)
    excerpt = text[start : start + SNIPPET_LENGTH]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_LENGTH < len(text) else ""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(excerpt):
        if match.start() > position:
            pieces.append((excerpt[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(excerpt):
        pieces.append((excerpt[position:], False))
    if prefix:
        pieces.insert(0, (prefix, False))
    if suffix:
        pieces.append((suffix, False))
    return pieces


def headline_pieces(headline: str) -> list[tuple[str, bool]]:
    """Split a ``ts_headline`` result into (text, is_match) pieces of plain text."""
    from discussions.selectors.fulltext import MATCH_END, MATCH_START

    pieces: list[tuple[str, bool]] = []

    def add(text: str, is_match: bool) -> None:
        text = re.sub(r"\s+", " ", html.unescape(text))
        if text:
            pieces.append((text, is_match))

    first, *marked = headline.split(MATCH_START)
    add(first, False)
    for part in marked:
        match, _end, rest = part.partition(MATCH_END)
        add(match, True)
        add(rest, False)
    return pieces


_HIT_TOPIC_FIELDS = (
    "id",
    "title",
    "slug",
    "kind",
    "space__id",
    "space__name",
    "product__id",
    "product__name",
)
_HIT_POST_FIELDS = ("id", "topic_id", "number")


def _hits(
    *, viewer: Any, topic_ids: list[int], best_post: dict[int, int], terms: list[str]
) -> list[SearchHit]:
    from discussions.selectors.posts import post_url

    # Only what a result shows (title, type, space, product, link): a page of
    # results must not load 25 topics' and posts' every column.
    topics = (
        Topic.objects.filter(pk__in=topic_ids)
        .select_related("space", "product")
        .only(*_HIT_TOPIC_FIELDS)
    )
    by_id = {topic.pk: topic for topic in topics}
    post_ids = [best_post[pk] for pk in topic_ids if pk in best_post]
    title_only = [pk for pk in topic_ids if pk not in best_post]
    posts = Post.objects.filter(
        Q(pk__in=post_ids) | Q(topic_id__in=title_only, number=1)
    ).filter(permissions.visible_post_q(viewer))
    if connection.vendor == "postgresql":
        from discussions.selectors import fulltext

        # The snippet is PostgreSQL's headline: the text itself stays in the database.
        posts = fulltext.with_headlines(posts.only(*_HIT_POST_FIELDS), terms)
    post_by_topic = {post.topic_id: post for post in posts}
    hits = []
    for pk in topic_ids:
        topic = by_id.get(pk)
        if topic is None:
            continue
        post = post_by_topic.get(pk)
        hit = SearchHit(topic=topic, post=post, url=topic.get_absolute_url())
        if post is not None:
            post.topic = topic
            headline = getattr(post, "search_headline", None)
            hit.snippet = (
                headline_pieces(headline)
                if headline is not None
                else snippet_pieces(_plain_text(post), terms)
            )
            if pk in best_post:
                hit.url = post_url(post=post)
        hits.append(hit)
    return hits


def _page_number(page: Any) -> int:
    try:
        number = int(page)
    except (TypeError, ValueError):
        return 1
    return max(number, 1)


def _fulltext_page(
    *, viewer: Any, terms: list[str], page: Any, space: Space | None, kind: str | None
) -> tuple[Page[Any], dict[int, int]]:
    """Return the page of topic ids (PostgreSQL) and each one's best post id."""
    from discussions.selectors import fulltext

    number = _page_number(page)
    filters = {"viewer": viewer, "terms": terms, "space": space, "kind": kind}
    ids, total = fulltext.matching_topic_page(
        **filters, offset=(number - 1) * RESULTS_PER_PAGE, limit=RESULTS_PER_PAGE
    )
    if total is None:
        # Past the end (or no match at all): show the last page, as get_page does.
        total = fulltext.matching_topic_count(**filters) if number > 1 else 0
        number = max((total + RESULTS_PER_PAGE - 1) // RESULTS_PER_PAGE, 1)
        if total:
            ids, _total = fulltext.matching_topic_page(
                **filters,
                offset=(number - 1) * RESULTS_PER_PAGE,
                limit=RESULTS_PER_PAGE,
            )
    # The paginator only needs the length; the page's ids were fetched above.
    result_page = Paginator(range(total), RESULTS_PER_PAGE).page(number)
    result_page.object_list = ids
    best = fulltext.best_posts(viewer=viewer, terms=terms, topic_ids=ids)
    return result_page, best


def search_topics(
    *,
    viewer: Any,
    query: str,
    page: Any = 1,
    space: Space | None = None,
    kind: str | None = None,
) -> Page[Any]:
    """Return page ``page`` of the topics ``viewer`` may see that match ``query``.

    Each item is a :class:`SearchHit`; ``paginator.count`` is the exact number of
    matching topics. Narrowed to ``space`` and topic ``kind`` when given. Raises
    :class:`SearchQueryError` (with a message for the member) for an empty,
    overlong or wordless query. A constant number of queries whatever the number
    of matches.
    """
    terms = search_terms(query)
    if connection.vendor == "postgresql":
        result_page, best_post = _fulltext_page(
            viewer=viewer, terms=terms, page=page, space=space, kind=kind
        )
    else:
        topic_ids, best_post = _matching_topic_ids(
            viewer=viewer, terms=terms, space=space, kind=kind
        )
        result_page = Paginator(topic_ids, RESULTS_PER_PAGE).get_page(page)
    result_page.object_list = _hits(
        viewer=viewer,
        topic_ids=list(result_page.object_list),
        best_post=best_post,
        terms=terms,
    )
    return result_page

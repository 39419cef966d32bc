"""PostgreSQL full-text search over the topics and posts a viewer may see.

Stored, GIN-indexed ``tsvector`` columns (not model fields; migrations ``0007`` and
``0008``) hold the words: ``discussions_post.search_vector`` (a post's body),
``discussions_topic.search_vector`` (its title) and
``discussions_topic.posts_search_vector`` (the posts every reader of the topic may
read, kept by triggers). A common word is in tens of thousands of posts but at
most one row per topic, so a search reads topics, and posts only where a viewer
may read more than everyone (their own pending posts; hidden ones for moderators),
through a partial index that holds just those.

The viewer's visibility rule (``permissions.visible_topic_q`` / ``visible_post_q``,
the rule of every other list) goes into the same SQL as the match, so the count is
exact and nothing the viewer cannot read is ranked, counted or fetched. One
statement finds a page: the matching topics (``ts_rank`` of the title, weighted,
plus that of the posts) and the topics of matching restricted posts, added up per
topic, with the number of topics as a window count beside the page's rows. The ORM
builds both halves from the permission ``Q`` objects; only the grouping of their
union is written out, because Django cannot select from a subquery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, Func, Max, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from discussions import permissions
from discussions.models import Post, Topic

if TYPE_CHECKING:
    from discussions.models import Space

__all__ = [
    "MATCH_END",
    "MATCH_START",
    "TITLE_WEIGHT",
    "best_posts",
    "matching_topic_count",
    "matching_topic_page",
    "restricted_post_matches",
    "topic_hits",
    "topic_matches",
    "with_headlines",
]

#: The text search configuration of the stored documents (see the migration).
CONFIG = "english"
#: Marks around each match in a headline (private-use characters, so that no member
#: text can forge them); the selector splits on them and the template escapes.
MATCH_START = "\ue000"
MATCH_END = "\ue001"
#: How much more a title match counts than a match in the best post.
TITLE_WEIGHT = 2.0


def _document(model: type[Post] | type[Topic], column: str = "search_vector") -> RawSQL:
    """Return a stored ``tsvector`` column of ``model``'s own table.

    The columns are not model fields (ordinary reads never load them), so they are
    named with ``RawSQL``; the queries they are used in read ``model``'s table
    unaliased.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    name = connection.ops.quote_name(column)
    return RawSQL(f"{table}.{name}", [], output_field=SearchVectorField())  # noqa: S611 - quoted names, no input


def search_query(terms: list[str]) -> SearchQuery:
    """Return the query matching documents that hold every one of ``terms``.

    ``terms`` are words of letters and digits only (``search_terms``), searched with
    ``plainto_tsquery``: no operator a member types can change the query.
    """
    return SearchQuery(" ".join(terms), config=CONFIG, search_type="plain")


def _topic_filters(prefix: str, space: Space | None, kind: str | None) -> Q:
    filters = Q()
    if space is not None:
        filters &= Q(**{f"{prefix}space_id": space.pk})
    if kind:
        filters &= Q(**{f"{prefix}kind": kind})
    return filters


def _everyones_posts() -> Q:
    """Return the posts every reader of a readable topic may read (the rule, no rights)."""
    return permissions.visible_post_q(AnonymousUser())


def topic_matches(
    *, viewer: Any, query: SearchQuery, space: Space | None, kind: str | None
) -> QuerySet[Topic]:
    """Return the topics ``viewer`` may read whose title or everyone's posts match ``query``.

    ``posts_search_vector`` holds the topic's posts that every reader of the topic
    may read (kept by triggers: migration ``0008``); posts only some viewers may
    read are in :func:`restricted_post_matches`.
    """
    return (
        Topic.objects.filter(permissions.visible_topic_q(viewer))
        .filter(_topic_filters("", space, kind))
        .alias(
            title_document=_document(Topic),
            posts_document=_document(Topic, "posts_search_vector"),
        )
        .filter(Q(title_document=query) | Q(posts_document=query))
    )


def restricted_post_matches(
    *, viewer: Any, query: SearchQuery, space: Space | None, kind: str | None
) -> QuerySet[Post] | None:
    """Return the matching posts ``viewer`` may read that not every reader may.

    Their own pending posts for a member, hidden and pending ones for moderators;
    ``None`` for a viewer who may read no more than everyone (nothing to search).
    The condition repeats the partial index ``disc_post_search_restricted``.
    """
    if not permissions.is_active_member(viewer):
        return None
    return (
        Post.objects.filter(~_everyones_posts())
        .filter(permissions.visible_post_q(viewer))
        .filter(permissions.visible_topic_q(viewer, prefix="topic__"))
        .filter(_topic_filters("topic__", space, kind))
        .alias(document=_document(Post))
        .filter(document=query)
    )


def topic_hits(
    *, viewer: Any, terms: list[str], space: Space | None, kind: str | None
) -> tuple[str, tuple[Any, ...]]:
    """Return the SQL (and parameters) of the matching topic ids with their rank.

    Columns ``topic_id, rank``; one row per matching topic and, for viewers with
    rights of their own, per topic of their matching restricted posts, to be
    summed per topic.
    """
    query = search_query(terms)
    topics = (
        topic_matches(viewer=viewer, query=query, space=space, kind=kind)
        .order_by()
        .annotate(
            rank=SearchRank(_document(Topic), query) * Value(TITLE_WEIGHT)
            + SearchRank(_document(Topic, "posts_search_vector"), query)
        )
        .values_list(F("pk"), "rank")
    )
    restricted = restricted_post_matches(
        viewer=viewer, query=query, space=space, kind=kind
    )
    if restricted is not None:
        posts = (
            restricted.order_by()
            .values("topic_id")
            .annotate(rank=Max(SearchRank(_document(Post), query)))
        )
        topics = topics.union(posts, all=True)
    sql, params = topics.query.sql_with_params()
    return sql, tuple(params)


def matching_topic_page(
    *,
    viewer: Any,
    terms: list[str],
    space: Space | None,
    kind: str | None,
    offset: int,
    limit: int,
) -> tuple[list[int], int | None]:
    """Return the ids of one page of matching topics (best first) and the total.

    The total is ``None`` when ``offset`` is past the last match (the page had no
    row to carry it); :func:`matching_topic_count` then tells how many there are.
    """
    hits, params = topic_hits(viewer=viewer, terms=terms, space=space, kind=kind)
    sql = (
        "SELECT hits.topic_id, COUNT(*) OVER () AS total "  # noqa: S608 - ORM-built SQL and parameters
        f"FROM ({hits}) AS hits (topic_id, rank) "
        "GROUP BY hits.topic_id "
        "ORDER BY SUM(hits.rank) DESC, hits.topic_id DESC "
        "LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit, offset))
        rows = cursor.fetchall()
    if not rows:
        return [], None
    return [row[0] for row in rows], int(rows[0][1])


def matching_topic_count(
    *, viewer: Any, terms: list[str], space: Space | None, kind: str | None
) -> int:
    """Return how many topics ``viewer`` may read match ``terms``."""
    hits, params = topic_hits(viewer=viewer, terms=terms, space=space, kind=kind)
    sql = f"SELECT COUNT(DISTINCT hits.topic_id) FROM ({hits}) AS hits (topic_id, rank)"  # noqa: S608 - ORM-built SQL and parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def best_posts(
    *, viewer: Any, terms: list[str], topic_ids: list[int]
) -> dict[int, int]:
    """Return, per topic of ``topic_ids``, the best-ranked matching post ``viewer`` may read."""
    if not topic_ids:
        return {}
    query = search_query(terms)
    posts = (
        Post.objects.filter(topic_id__in=topic_ids)
        .filter(permissions.visible_post_q(viewer))
        .alias(document=_document(Post))
        .filter(document=query)
        .annotate(rank=SearchRank(_document(Post), query))
        .order_by("topic_id", "-rank", "number")
        .distinct("topic_id")
        .values_list("topic_id", "pk")
    )
    return dict(posts)


def with_headlines(posts: QuerySet[Post], terms: list[str]) -> QuerySet[Post]:
    """Annotate ``posts`` with ``search_headline``: their text around the matches.

    ``ts_headline`` over the plain text of the sanitised HTML (tags removed, entities
    left for the caller to unescape), with :data:`MATCH_START`/:data:`MATCH_END`
    around each match, so stemmed forms ("policies" for "policy") are marked too.
    Meant for a page of posts: it reads and parses each post's text.
    """
    text = Func(
        F("body_html"),
        Value("<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return posts.annotate(
        search_headline=SearchHeadline(
            text,
            search_query(terms),
            config=CONFIG,
            start_sel=MATCH_START,
            stop_sel=MATCH_END,
            max_words=40,
            min_words=20,
        )
    )

"""PostgreSQL full-text search over the topics and posts a viewer may see.

Posts and topic titles carry a stored ``search_vector`` (generated from ``body`` and
``title``, GIN-indexed; migration ``0007_search_documents``), so a search reads the
index instead of the text. The viewer's visibility rule
(``permissions.visible_topic_q`` / ``visible_post_q``, the rule of every other list)
goes into the same SQL as the match, so the count is exact and nothing the viewer
cannot read is ranked, counted or fetched.

One statement finds a page: the visible matching posts grouped by topic (best
``ts_rank`` per topic) and the visible topics whose title matches, added up per
topic, with the number of topics as a window count beside the page's rows. The
ORM builds both halves from the permission ``Q`` objects; only the grouping of their
union is written out, because Django cannot select from a subquery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Max, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

from discussions import permissions
from discussions.models import Post, Topic

if TYPE_CHECKING:
    from discussions.models import Space

__all__ = ["TITLE_WEIGHT", "best_posts", "matching_topic_page", "topic_hits"]

#: The text search configuration of the stored documents (see the migration).
CONFIG = "english"
#: How much more a title match counts than a match in the best post.
TITLE_WEIGHT = 2.0


def _document(model: type[Post] | type[Topic]) -> RawSQL:
    """Return the stored ``search_vector`` column of ``model``'s own table.

    The column is not a model field (ordinary reads never load it), so it is named
    with ``RawSQL``; the queries it is used in read ``model``'s table unaliased.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name("search_vector")
    return RawSQL(f"{table}.{column}", [], output_field=SearchVectorField())  # noqa: S611 - quoted names, no input


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


def post_matches(
    *, viewer: Any, query: SearchQuery, space: Space | None, kind: str | None
) -> QuerySet[Post]:
    """Return the posts ``viewer`` may read, in topics they may read, matching ``query``."""
    return (
        Post.objects.filter(permissions.visible_post_q(viewer))
        .filter(permissions.visible_topic_q(viewer, prefix="topic__"))
        .filter(_topic_filters("topic__", space, kind))
        .alias(document=_document(Post))
        .filter(document=query)
    )


def title_matches(
    *, viewer: Any, query: SearchQuery, space: Space | None, kind: str | None
) -> QuerySet[Topic]:
    """Return the topics ``viewer`` may read whose title matches ``query``."""
    return (
        Topic.objects.filter(permissions.visible_topic_q(viewer))
        .filter(_topic_filters("", space, kind))
        .alias(document=_document(Topic))
        .filter(document=query)
    )


def topic_hits(
    *, viewer: Any, terms: list[str], space: Space | None, kind: str | None
) -> tuple[str, tuple[Any, ...]]:
    """Return the SQL (and parameters) of the matching topic ids with their rank.

    Columns ``topic_id, rank``; one row per matching post's topic and per matching
    title, to be summed per topic.
    """
    query = search_query(terms)
    posts = (
        post_matches(viewer=viewer, query=query, space=space, kind=kind)
        .order_by()
        .values("topic_id")
        .annotate(rank=Max(SearchRank(_document(Post), query)))
    )
    titles = (
        title_matches(viewer=viewer, query=query, space=space, kind=kind)
        .order_by()
        .annotate(rank=SearchRank(_document(Topic), query) * Value(TITLE_WEIGHT))
        .values_list(F("pk"), "rank")
    )
    sql, params = posts.union(titles, all=True).query.sql_with_params()
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

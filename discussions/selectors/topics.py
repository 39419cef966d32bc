"""Space and topic lists, tags, and what a topic page says about closure and duplicates.

Every list applies :mod:`discussions.permissions` (``readable_space_q``,
``visible_topic_q``) and loads what its page shows in a fixed number of queries.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery

from cop.core.prepared import PreparedQuery
from discussions import permissions
from discussions.models import EmbargoState, ReviewState, Space, Tag, Topic

if TYPE_CHECKING:
    from collections.abc import Iterator


__all__ = [
    "TOPICS_PER_PAGE",
    "space_list",
    "tag_get",
    "topic_list",
    "topic_list_viewer_class",
    "topic_own_unlisted_ids",
    "topic_page",
    "topic_rows_prepare",
]

#: Topics per page on the space and tag pages.
TOPICS_PER_PAGE = 30


def space_list(*, viewer: Any) -> QuerySet[Space]:
    """Return the active spaces ``viewer`` may read, by position (one query)."""
    return (
        Space.objects.active()
        .filter(permissions.readable_space_q(viewer))
        .order_by("position", "name")
    )


def tag_get(*, viewer: Any, slug: str | None = None, pk: Any = None) -> Tag | None:
    """Return the tag with ``slug`` (or ``pk``) if ``viewer`` may know it, else None.

    A tag is known through its topics: one used only on topics the viewer cannot
    read (an embargoed red flag, a private space) or on none answers exactly as a
    missing tag does, so neither its name nor its existence leaks. One query.
    """
    if slug is None and pk is None:
        return None
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": pk}
    readable = Topic.objects.filter(
        permissions.visible_topic_q(viewer), tags=OuterRef("pk")
    )
    return Tag.objects.filter(Exists(readable), **lookup).first()


def topic_list(
    *,
    viewer: Any,
    space: Space | None = None,
    tag: Tag | None = None,
    kind: str | None = None,
    pinned_first: bool = True,
) -> QuerySet[Topic]:
    """Return the topics ``viewer`` may see, pinned first, then by latest activity.

    Narrowed to ``space``, ``tag`` and ``kind`` when given; ``pinned_first=False``
    orders by activity alone (the cross-space "Latest" list). The space, the last
    poster, the product and its vendor are joined and the tags prefetched, so a
    page of the list costs the same few queries whatever its length (a row
    shows neither the author nor the duplicate's title: they are not joined).
    """
    return _topic_list(
        permissions.visible_topic_q(viewer),
        space_id=space.pk if space is not None else None,
        tag_id=tag.pk if tag is not None else None,
        kind=kind,
        pinned_first=pinned_first,
    )


def _topics_filtered(
    visible: Q, *, space_id: int | None, tag_id: int | None, kind: str | None
) -> QuerySet[Topic]:
    topics = Topic.objects.filter(visible)
    if space_id is not None:
        topics = topics.filter(space_id=space_id)
    else:
        topics = topics.filter(space__archived_at__isnull=True)
    if tag_id is not None:
        topics = topics.filter(tags=tag_id)
    if kind:
        topics = topics.filter(kind=kind)
    return topics


def _topic_list(
    visible: Q,
    *,
    space_id: int | None,
    tag_id: int | None,
    kind: str | None,
    pinned_first: bool = True,
) -> QuerySet[Topic]:
    topics = _topics_filtered(visible, space_id=space_id, tag_id=tag_id, kind=kind)
    if space_id is None:
        topics = topics.select_related("space")
    order: list[Any] = ["-last_activity_at", "-id"]
    if pinned_first:
        order.insert(0, F("pinned_at").desc(nulls_last=True))
    return topics.annotate(**_ROW_COLUMNS).defer(*_NOT_IN_ROWS).order_by(*order)


# Columns a topic row never shows (discussions_tags.topic_row, read markers): not
# read for lists. The query-count tests would see a row that asks for one.
_NOT_IN_ROWS = (
    "created_at",
    "updated_at",
    "author",
    "criterion",
    "red_flag",
    "document_version",
    "document_date",
    "clause_reference",
    "embargo_vendor",
    "embargo_ends_at",
    "released_at",
    "roadmap_item",
    "slow_mode_seconds",
    "merged_into",
)


# ----------------------------------------------------------------- one page of a list


class _SlotViewer:
    """The viewer as the rules see them, but with a placeholder for their ID.

    Every other attribute (the roles memoised on the member) is the real viewer's,
    so the ``Q`` built from it differs from the viewer's own only where the ID is.
    """

    def __init__(self, viewer: Any, pk: int) -> None:
        self.__dict__["_viewer"] = viewer
        self.__dict__["pk"] = pk
        self.__dict__["id"] = pk

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_viewer"], name)


_SLOTS = {
    "viewer_id": 2_101_999_501,
    "space_id": 2_101_999_502,
    "tag_id": 2_101_999_503,
}
_SHAPES_MAX = 256
_shapes: OrderedDict[tuple[Any, ...], PreparedQuery] = OrderedDict()
_shapes_lock = threading.Lock()


def _page_query(
    viewer: Any,
    *,
    space_id: int | None,
    tag_id: int | None,
    kind: str | None,
    offset: int,
    limit: int,
    pinned_first: bool = True,
) -> tuple[PreparedQuery, dict[str, Any]]:
    """Return the compiled query of one page of a list, and its slot values.

    Keyed on the *rule* the viewer gets (the ``Q`` of :func:`visible_topic_q` built
    with a placeholder ID, so it carries their roles, groups and vendors but not who
    they are), the filters present and the page's bounds: two viewers share a
    compiled query exactly when the rules give them the same SQL.
    """
    permissions.visible_topic_q(viewer)  # memoises the viewer's roles first
    rule = permissions.visible_topic_q(_SlotViewer(viewer, _SLOTS["viewer_id"]))
    key = (
        str(rule),
        space_id is None,
        tag_id is None,
        kind or "",
        offset,
        limit,
        pinned_first,
    )
    values = {}
    if str(_SLOTS["viewer_id"]) in key[0]:  # a moderator's rule does not name them
        values["viewer_id"] = viewer.pk
    if space_id is not None:
        values["space_id"] = space_id
    if tag_id is not None:
        values["tag_id"] = tag_id
    with _shapes_lock:
        prepared = _shapes.get(key)
        if prepared is not None:
            _shapes.move_to_end(key)
            return prepared, values
    slots = {name: _SLOTS[name] for name in values}

    def build(**given: Any) -> QuerySet[Topic]:
        filters: dict[str, Any] = {
            "space_id": given.get("space_id"),
            "tag_id": given.get("tag_id"),
            "kind": kind,
        }
        # The total as an uncorrelated sub-query: computed once, and the page
        # itself still stops after `limit` rows read in index order (a window
        # count would join every topic of the list first).
        total = Subquery(
            _topics_filtered(rule, **filters)
            .order_by()
            .annotate(n=Func(F("pk"), function="COUNT"))
            .values("n")[:1]
        )
        return _topic_list(rule, **filters, pinned_first=pinned_first).annotate(
            list_total=total
        )[offset : offset + limit]

    prepared = PreparedQuery(build, **slots)
    with _shapes_lock:
        _shapes[key] = prepared
        while len(_shapes) > _SHAPES_MAX:
            _shapes.popitem(last=False)
    return prepared, values


def topic_list_viewer_class(*, viewer: Any) -> str:
    """Return what the rules give ``viewer`` for lists, without who they are.

    The :func:`visible_topic_q` rule built with a placeholder ID (it holds
    :func:`readable_space_q`, so the spaces list too: roles, groups, represented
    vendors, moderation), whether they are signed in and whether their account is
    active. Two viewers with the same class see the same topic and space lists,
    but for the topics that only their authors see
    (:func:`topic_own_unlisted_ids`), and may do the same (e.g. start a topic).
    No query beyond the roles memoised on the viewer.
    """
    permissions.visible_topic_q(viewer)  # memoises the viewer's roles first
    rule = permissions.visible_topic_q(_SlotViewer(viewer, _SLOTS["viewer_id"]))
    signed_in = bool(viewer.is_authenticated)
    return f"{signed_in}|{permissions.is_active_member(viewer)}|{rule}"


def topic_own_unlisted_ids(*, viewer: Any) -> list[int]:
    """Return the IDs of the topics lists show ``viewer`` because they wrote them.

    Their pending or embargoed topics that are neither hidden, merged nor rejected:
    the rules list them for their author (and for moderators and the vendor,
    through their own rules), not for the author's viewer class. Empty for
    visitors and suspended members, without a query; otherwise one query.
    """
    if not permissions.is_active_member(viewer):
        return []
    return list(
        Topic.objects.filter(
            author_id=viewer.pk, hidden_at__isnull=True, merged_into__isnull=True
        )
        .exclude(review_state=ReviewState.REJECTED)
        .filter(
            Q(review_state=ReviewState.PENDING)
            | Q(embargo_state=EmbargoState.EMBARGOED)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Paginator is generic only in the type stubs.
if TYPE_CHECKING:
    _TopicPaginator = Paginator[Topic]
else:
    _TopicPaginator = Paginator


class _CountedPaginator(_TopicPaginator):
    """A paginator whose count is already known (read with the page's rows)."""

    def __init__(self, count: int, per_page: int) -> None:
        super().__init__([], per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def topic_page(
    *,
    viewer: Any,
    page: Any,
    space: Space | None = None,
    tag: Tag | None = None,
    kind: str | None = None,
    pinned_first: bool = True,
) -> Page[Topic]:
    """Return one page of :func:`topic_list` (``Paginator.get_page`` semantics).

    For members, the rows and the total come from one compiled query per rule and
    page (:func:`_page_query`); visitors' pages are cached whole and use the ORM.
    """
    if not permissions.is_active_member(viewer):
        topics = topic_list(
            viewer=viewer, space=space, tag=tag, kind=kind, pinned_first=pinned_first
        )
        return Paginator(topics, TOPICS_PER_PAGE).get_page(page)
    try:
        number = max(int(page), 1)
    except (TypeError, ValueError):
        number = 1
    number = min(number, 10**6)
    filters: dict[str, Any] = {
        "space_id": space.pk if space is not None else None,
        "tag_id": tag.pk if tag is not None else None,
        "kind": kind,
    }

    def rows_of(number: int) -> list[Topic]:
        prepared, values = _page_query(
            viewer,
            **filters,
            offset=(number - 1) * TOPICS_PER_PAGE,
            limit=TOPICS_PER_PAGE,
            pinned_first=pinned_first,
        )
        return cast("list[Topic]", list(prepared.all(**values)))

    rows = rows_of(number)
    if not rows and number > 1:  # past the end: the last page, as get_page does
        first = rows_of(1)
        total = first[0].list_total if first else 0
        number = max((total + TOPICS_PER_PAGE - 1) // TOPICS_PER_PAGE, 1)
        rows = first if number == 1 else rows_of(number)
    total = rows[0].list_total if rows else 0
    paginator = _CountedPaginator(total, TOPICS_PER_PAGE)
    return Page(rows, number, paginator)


# What a topic row shows of the last poster and the product, as plain columns: the
# list builds no User, Product or Organisation object per row.
_ROW_COLUMNS = {
    "row_poster_name": F("last_poster__display_name"),
    "row_product_name": F("product__name"),
    "row_product_slug": F("product__slug"),
    "row_vendor_name": F("product__organisation__name"),
    "row_vendor_slug": F("product__organisation__slug"),
}


def topic_rows_prepare(
    *, topics: list[Topic], space: Space | None = None
) -> list[Topic]:
    """Finish one page of :func:`topic_list` for display: its space and tags.

    ``space``: the list's space, set on every topic instead of joined. The tags of
    the whole page come in one query of plain columns, as ``topic.tag_list``.
    """
    topics = list(topics)
    if space is not None:
        for topic in topics:
            topic.space = space
    tags: dict[int, list[Tag]] = {topic.pk: [] for topic in topics}
    ids = list(tags)
    for start in range(0, len(ids), TOPICS_PER_PAGE):
        chunk = ids[start : start + TOPICS_PER_PAGE]
        # Padded with 0 (no topic has it) so that every page runs one SQL shape.
        slots: dict[str, Any] = {
            f"t{i}": chunk[i] if i < len(chunk) else 0 for i in range(TOPICS_PER_PAGE)
        }
        # Each tag carries the topic it was read for (``for_topic``).
        for tag in cast("Iterator[Any]", _PAGE_TAGS.all(**slots)):
            tags[tag.for_topic].append(tag)
    for topic in topics:
        topic.tag_list = tags[topic.pk]
    return topics


def _page_tags(**ids: int) -> QuerySet[Tag]:
    return (
        Tag.objects.filter(topics__id__in=[ids[f"t{i}"] for i in range(len(ids))])
        .annotate(for_topic=F("topics__id"))
        .only("id", "name", "slug")
        .order_by("name", "id")
    )


# The tags of one page of topics (TOPICS_PER_PAGE IDs), compiled once per process.
_PAGE_TAGS = PreparedQuery(
    _page_tags, **{f"t{i}": 2_101_999_600 + i for i in range(TOPICS_PER_PAGE)}
)

"""Space and topic lists, the reference choices of the topic form, similar topics.

Every list applies :mod:`discussions.permissions` (``readable_space_q``,
``visible_topic_q``) and loads what its page shows in a fixed number of queries.

Owner while the discussions are built: H1b.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError
from django.db.models import F, Q, QuerySet

from discussions import permissions
from discussions.models import Space, Tag, Topic, TopicKind

if TYPE_CHECKING:
    from cop.privacy.models import Criterion, RedFlag
    from vendors.models import Product

__all__ = [
    "TOPICS_PER_PAGE",
    "criterion_choices",
    "product_choices",
    "red_flag_choices",
    "space_list",
    "tag_get",
    "topic_closure_reason",
    "topic_duplicate_target",
    "topic_kind_choices",
    "topic_list",
    "topic_similar",
]

#: Topics per page on the space and tag pages.
TOPICS_PER_PAGE = 30

# Words too common to say that two titles are about the same thing.
_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "about",
        "any",
        "can",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "should",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "you",
        "your",
        "vendor",
        "vendors",
        "library",
        "libraries",
    ]
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def space_list(*, viewer: Any) -> QuerySet[Space]:
    """Return the active spaces ``viewer`` may read, by position (one query)."""
    return (
        Space.objects.active()
        .filter(permissions.readable_space_q(viewer))
        .order_by("position", "name")
    )


def tag_get(*, slug: str) -> Tag | None:
    """Return the tag ``slug`` or None (tags are public labels; their topics are not)."""
    return Tag.objects.filter(slug=slug).first()


def topic_list(
    *,
    viewer: Any,
    space: Space | None = None,
    tag: Tag | None = None,
    kind: str | None = None,
) -> QuerySet[Topic]:
    """Return the topics ``viewer`` may see, pinned first, then by latest activity.

    Narrowed to ``space``, ``tag`` and ``kind`` when given. The space, the last
    poster, the product and its vendor are joined and the tags prefetched, so a
    page of the list costs the same few queries whatever its length (a row
    shows neither the author nor the duplicate's title: they are not joined).
    """
    topics = Topic.objects.filter(permissions.visible_topic_q(viewer))
    if space is not None:
        topics = topics.filter(space=space)
    else:
        topics = topics.filter(space__archived_at__isnull=True)
    if tag is not None:
        topics = topics.filter(tags=tag)
    if kind:
        topics = topics.filter(kind=kind)
    return (
        topics.select_related("space", "last_poster", "product__organisation")
        .prefetch_related("tags")
        .order_by(F("pinned_at").desc(nulls_last=True), "-last_activity_at", "-id")
    )


def _title_words(title: str) -> list[str]:
    words = [w.casefold() for w in _WORD.findall(title or "")]
    seen: dict[str, None] = {}
    for word in words:
        if len(word) >= 3 and word not in _STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)[:8]


def _search_ids(words: list[str]) -> list[int] | None:
    """Return topic IDs matching ``words`` by the search backend, or None if it fails."""
    from wagtail.search.backends import get_search_backend
    from wagtail.search.backends.base import FilterFieldError, SearchFieldError

    try:
        backend = get_search_backend()
        results = backend.search(" ".join(words), Topic, operator="or")[:50]
        return [topic.pk for topic in results]
    except (DatabaseError, FilterFieldError, SearchFieldError, ValueError):
        return None


def topic_similar(*, viewer: Any, title: str, limit: int = 5) -> list[Topic]:
    """Return up to ``limit`` topics ``viewer`` may see whose titles resemble ``title``.

    Ranks with the Wagtail search backend, then keeps only the viewer's visible
    topics; when the backend finds nothing (or fails), falls back to topics whose
    titles contain the significant words of ``title``.
    """
    words = _title_words(title)
    if not words:
        return []
    visible = Topic.objects.filter(permissions.visible_topic_q(viewer)).select_related(
        "space"
    )
    ids = _search_ids(words)
    if ids:
        found = {t.pk: t for t in visible.filter(pk__in=ids)}
        ranked = [found[pk] for pk in ids if pk in found]
        if ranked:
            return ranked[:limit]
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    return list(visible.filter(match).order_by("-last_activity_at", "-id")[:limit])


def product_choices() -> QuerySet[Product]:
    """Return every product with its vendor, by vendor and product name."""
    from vendors.models import Product

    return Product.objects.select_related("organisation").order_by(
        "organisation__name", "name"
    )


def criterion_choices() -> QuerySet[Criterion]:
    """Return the current (not retired) criteria, in framework order."""
    from cop.privacy.models import Criterion

    return Criterion.objects.current().order_by("order", "code")


def red_flag_choices() -> QuerySet[RedFlag]:
    """Return the current (not retired) red flag types, in order."""
    from cop.privacy.models import RedFlag

    return RedFlag.objects.current().order_by("order", "code")


def topic_kind_choices(*, viewer: Any) -> list[tuple[str, str]]:
    """Return the topic types ``viewer`` may start (red flags only when allowed)."""
    return [
        (value, label)
        for value, label in TopicKind.choices
        if value != TopicKind.RED_FLAG or permissions.can_raise_red_flag(viewer)
    ]


def topic_closure_reason(*, topic: Topic) -> str:
    """Return the moderator's public reason for locking or closing ``topic`` ("" if none).

    One query, and only for a locked or duplicate topic. The reason is what the
    public moderation log shows too.
    """
    if not topic.is_locked:
        return ""
    from discussions.models import ModerationAction, ModerationEvent

    action = (
        ModerationAction.DUPLICATE if topic.duplicate_of_id else ModerationAction.LOCK
    )
    reason = (
        ModerationEvent.objects.filter(topic_id=topic.pk, action=action)
        .order_by("-created_at", "-id")
        .values_list("reason", flat=True)
        .first()
    )
    return reason or ""


def topic_duplicate_target(*, viewer: Any, topic: Topic) -> Topic | None:
    """Return the topic ``topic`` duplicates when ``viewer`` may read it, else None."""
    if topic.duplicate_of_id is None:
        return None
    target = (
        Topic.objects.filter(pk=topic.duplicate_of_id).select_related("space").first()
    )
    if target is None or not permissions.can_read_topic(viewer, target):
        return None
    return target

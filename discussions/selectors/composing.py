"""What the topic form offers: reference choices, topic types and similar topics."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError
from django.db.models import Q, QuerySet

from discussions import permissions
from discussions.models import Topic, TopicKind

if TYPE_CHECKING:
    from cop.privacy.models import Criterion, RedFlag
    from vendors.models import Product

__all__ = [
    "criterion_choices",
    "product_choices",
    "red_flag_choices",
    "topic_kind_choices",
    "topic_similar",
]

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
        (value, str(label))
        for value, label in TopicKind.choices
        if value != TopicKind.RED_FLAG or permissions.can_raise_red_flag(viewer)
    ]

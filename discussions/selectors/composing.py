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
    "MENTION_SUGGESTIONS",
    "criterion_choices",
    "mention_suggestions",
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


#: How many names the @ suggestions offer at most.
MENTION_SUGGESTIONS = 8
# Candidates read per request before the readers are kept: several may fail the
# topic's rule (a private space), so more than are shown.
_MENTION_CANDIDATES = 40


def mention_suggestions(
    *, viewer: Any, prefix: str, topic: Topic | None = None, space: Any = None
) -> list[str]:
    """Return display names starting with ``prefix`` of members who may read the topic.

    ``topic`` for a reply or an edit; ``space`` for a topic being written there (its
    readers are the space's). Never the viewer, never an inactive account, never a
    member who could not read it. A constant number of queries (the candidates,
    then their roles in a batch), whatever their number.
    """
    from django.contrib.auth import get_user_model

    prefix = " ".join((prefix or "").split())[:40]
    if len(prefix) < 2 or (topic is None and space is None):
        return []
    users = list(
        get_user_model()
        .objects.filter(is_active=True, display_name__istartswith=prefix)
        .exclude(pk=viewer.pk)
        .order_by("display_name", "pk")[:_MENTION_CANDIDATES]
    )
    permissions.roles_prefetch(users)
    if topic is not None:
        readers = [u for u in users if permissions.can_read_topic(u, topic)]
    else:
        readers = [u for u in users if permissions.can_read_space(u, space)]
    return [u.display_name for u in readers[:MENTION_SUGGESTIONS]]

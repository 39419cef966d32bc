"""A page of a topic's thread kept once per topic-page version, for every reader but moderators.

The signed-in topic page would otherwise load its 25 posts and their authors on
every request. Here one entry per topic-page version and page number keeps, for
*every* post numbered on that page (whoever may see it):

- the few fields the viewer's part and the reading rules read (:class:`ThreadPost`:
  number, author, organisation, review and hidden state, time), never a body that
  not every reader of the topic may read;
- its shared markup (:func:`discussions.fragments.posts.post_shared_parts`);
- the accepted answer's row and markup, and the topic's tags.

Per request the view then selects the posts this viewer sees with the same rule as
the query (:func:`discussions.selectors.posts.post_in_thread`), loads the bodies of
the viewer's own pending or hidden posts (a query only when there are some), the
viewer's helpful marks (one query) and fills each post's slots as before.

The viewer class is "moderator or not": moderators see every post with their
controls and are served the page built per request (:mod:`discussions.fragments.shared`).

Never stale, never personal, never a 500: the entry's key names the same versions,
language, time zone, code and time bucket as the shared posts
(:func:`discussions.fragments.shared.shared_key`), read before the topic is loaded;
nothing in it depends on the viewer; when the cache fails the entry is built for
this request only.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.core.cache import caches

from cop.core.pagecache import LocalCopies
from discussions import cache as page_cache
from discussions import permissions
from discussions.models import ReviewState
from discussions.selectors import posts as post_selectors
from discussions.selectors import topic_facts

from .posts import PostParts, post_shared_parts
from .shared import SharedPosts, shared_key

__all__ = [
    "ThreadEntry",
    "ThreadPage",
    "ThreadPost",
    "kept_topic",
    "thread_entry_load",
    "thread_page_for",
]

logger = logging.getLogger(__name__)

_local = LocalCopies(16 * 1024 * 1024)

# What a ThreadPost keeps of a post, in this order in an entry.
_FIELDS: Final = (
    "pk",
    "number",
    "author_id",
    "organisation_id",
    "review_state",
    "hidden_at",
    "hidden_reason",
    "created_at",
)


class ThreadPost:
    """One post of a kept thread page: what the reading rules and the viewer's slots read.

    Built afresh per request from the entry (``viewer_facts`` and ``body_html`` are
    the viewer's). ``body_html`` is empty unless set per request for a viewer who
    may read a post not shown to everyone (the shared markup holds the others').
    """

    __slots__ = (*_FIELDS, "topic", "topic_id", "body_html", "viewer_facts")

    pk: int
    number: int
    author_id: int | None
    organisation_id: int | None
    review_state: str
    hidden_at: datetime | None
    hidden_reason: str
    created_at: datetime

    def __init__(self, values: tuple[Any, ...], topic: Any) -> None:
        (
            self.pk,
            self.number,
            self.author_id,
            self.organisation_id,
            self.review_state,
            self.hidden_at,
            self.hidden_reason,
            self.created_at,
        ) = values
        self.topic = topic
        self.topic_id = topic.pk
        self.body_html = ""

    @property
    def id(self) -> int:
        return self.pk

    @property
    def is_visible_to_all(self) -> bool:
        """Return whether readers of the topic see this post (approved, not hidden)."""
        return self.review_state == ReviewState.APPROVED and self.hidden_at is None

    def get_absolute_url(self) -> str:
        """Return the URL of this post on the topic page that holds it."""
        page = post_selectors.post_page_number(self.number)
        query = f"?page={page}" if page > 1 else ""
        return f"{self.topic.get_absolute_url()}{query}#post-{self.number}"


def _values(post: Any) -> tuple[Any, ...]:
    return tuple(getattr(post, name) for name in _FIELDS)


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    """What one topic page number shows every reader (see the module docstring)."""

    rows: tuple[tuple[Any, ...], ...]
    parts: dict[tuple[int, bool], PostParts]
    accepted: tuple[Any, ...] | None
    tags: tuple[Any, ...]

    def posts(self, topic: Any) -> list[ThreadPost]:
        """Return every post of the page, new objects for this request."""
        return [ThreadPost(values, topic) for values in self.rows]

    def accepted_post(self, topic: Any) -> ThreadPost | None:
        """Return the topic's accepted answer (whoever may read it), or None."""
        return ThreadPost(self.accepted, topic) if self.accepted else None

    def shared_posts(self) -> SharedPosts:
        """Return the posts' shared markup for ``{% post_article %}``."""
        return SharedPosts(self.parts)

    def size(self) -> int:
        return sum(
            len(p.head) + len(p.middle) + len(p.tail) for p in self.parts.values()
        )


def _entry_build(*, topic: Any, first: int, end: int) -> ThreadEntry:
    posts = post_selectors.thread_posts_every(topic=topic, first=first, end=end)
    parts = {
        (post.pk, False): post_shared_parts(post=post, topic=topic, in_box=False)
        for post in posts
    }
    accepted = post_selectors.accepted_answer_every(topic=topic, page_posts=posts)
    if accepted is not None and first == 1:
        parts[(accepted.pk, True)] = post_shared_parts(
            post=accepted, topic=topic, in_box=True
        )
    return ThreadEntry(
        rows=tuple(_values(post) for post in posts),
        parts=parts,
        accepted=_values(accepted) if accepted is not None else None,
        tags=tuple(topic_facts.topic_tags(topic=topic)),
    )


def thread_entry_load(
    *, topic: Any, first: int, end: int, versions: list[str]
) -> ThreadEntry:
    """Return the kept page of ``topic``'s posts numbered ``first`` to ``end - 1``.

    Looked up under ``versions`` (:func:`discussions.fragments.shared.shared_posts_versions`,
    read before ``topic`` was loaded); built and stored on a miss, and built for this
    request only when the cache fails.
    """
    key = f"{shared_key(versions)}:thread:{first}:{end}"
    entry = _local.get(key)
    if entry is not None:
        return entry  # type: ignore[no-any-return]
    cache = caches[page_cache.CACHE_ALIAS]
    try:
        stored = cache.get(key)
    except Exception:
        logger.warning("thread page cache unavailable", exc_info=True)
        return _entry_build(topic=topic, first=first, end=end)
    entry = stored if isinstance(stored, ThreadEntry) else None
    if entry is None:
        entry = _entry_build(topic=topic, first=first, end=end)
        if not page_cache.in_fallback(cache):
            try:
                cache.set(key, entry, page_cache.PAGE_TIMEOUT)
            except Exception:
                logger.warning("thread page cache unavailable", exc_info=True)
    _local.put(key, entry, entry.size())
    return entry


def _topic_build(topic_id: int) -> Any:
    from discussions.models import Topic

    return (
        Topic.objects.filter(pk=topic_id)
        .select_related(
            "space", "product__organisation", "criterion", "red_flag", "author"
        )
        .first()
    )


def kept_topic(*, topic_id: int, versions: list[str]) -> Any:
    """Return topic ``topic_id`` with its space and links as kept under ``versions``.

    A copy for this request (the page sets per-viewer attributes on it), or None when
    there is no such topic. Whether the viewer may read it is the caller's to ask
    (:func:`discussions.permissions.can_read_topic`). The versions cover every
    change to the topic and its space (:func:`discussions.cache.content_changed`).
    """
    key = f"{shared_key(versions)}:topic:{int(topic_id)}"
    topic = _local.get(key)
    if topic is None:
        cache = caches[page_cache.CACHE_ALIAS]
        try:
            topic = cache.get(key)
        except Exception:
            logger.warning("thread page cache unavailable", exc_info=True)
            return _topic_build(topic_id)
        if topic is None:
            topic = _topic_build(topic_id)
            if topic is None:
                return None
            if not page_cache.in_fallback(cache):
                try:
                    cache.set(key, topic, page_cache.PAGE_TIMEOUT)
                except Exception:
                    logger.warning("thread page cache unavailable", exc_info=True)
        _local.put(key, topic, 2048)
    return copy.copy(topic)


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """One page of a topic as one viewer sees it, from a kept entry."""

    page_obj: Any
    accepted: Any  # a ThreadPost, or a Post on a page built per request
    shared_posts: SharedPosts
    tags: list[Any]


def thread_page_for(
    *, viewer: Any, topic: Any, page: Any, versions: list[str]
) -> ThreadPage:
    """Return page ``page`` of ``topic`` as ``viewer`` (who does not moderate) sees it.

    The posts ``viewer`` sees in the thread (:func:`post_in_thread`), the accepted
    answer if they may read it, the shared markup and the tags come from the kept
    entry; the bodies of the viewer's own posts not shown to everyone cost one query
    (none without such posts). The caller has checked that ``viewer`` may read
    ``topic``.
    """
    entries: list[ThreadEntry] = []

    def load(first: int, end: int) -> list[Any]:
        entry = thread_entry_load(topic=topic, first=first, end=end, versions=versions)
        entries.append(entry)
        return [
            post
            for post in entry.posts(topic)
            if post_selectors.post_in_thread(viewer, post)
        ]

    page_obj = post_selectors.post_page(
        viewer=viewer, topic=topic, page=page, load=load
    )
    entry = entries[-1]
    posts: list[Any] = list(page_obj.object_list)
    accepted: Any = next(
        (post for post in posts if post.pk == topic.accepted_answer_id), None
    ) or entry.accepted_post(topic)
    if accepted is not None and not permissions.can_see_post_body(viewer, accepted):
        accepted = None
    restricted = [
        post
        for post in [*posts, accepted]
        if post is not None
        and not post.is_visible_to_all
        and permissions.can_see_post_body(viewer, post)
    ]
    if restricted:
        bodies = post_selectors.post_bodies(post_ids=[post.pk for post in restricted])
        for post in restricted:
            post.body_html = bodies.get(post.pk, "")
    return ThreadPage(
        page_obj=page_obj,
        accepted=accepted,
        shared_posts=entry.shared_posts(),
        tags=list(entry.tags),
    )

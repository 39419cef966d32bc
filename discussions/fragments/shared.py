"""The topic page's posts rendered once per topic-page version and shared by every viewer.

Each post's shared markup (:func:`discussions.fragments.posts.post_shared_parts`: the
template ``discussions/includes/post.html`` cut at its two per-viewer slots) is kept
in the cache and reused for every viewer, signed in or not; the viewer's part (the
body of a post not shown to everyone, the buttons, the CSRF token) is filled in per
request by ``{% post_article %}``.

How it stays correct:

- **Nothing personal is stored.** The shared markup is rendered from the post and
  its topic only, without a request, a viewer or a CSRF token.
- **Never stale.** The entries are keyed on the versions of the scopes the
  anonymous topic page depends on (``"topic:<id>"`` and ``"spaces"``, bumped by
  :func:`discussions.cache.content_changed` after every change to the topic, its
  posts or a space), read by :func:`shared_posts_versions` *before* the view loads
  the topic and its posts; and on the language, the time zone, the deployed code and
  a time bucket of :data:`~discussions.cache.PAGE_TIMEOUT` seconds (the relative
  times: "3 hours ago").
- **Only the version lookup goes to Redis on a warm process**: the entries are also
  kept in this process (their keys name their versions, so a local copy under the
  same key is the same content).
- **Never a 500 because of the cache.** If the cache raises or
  :class:`cop.core.cache.ResilientRedisCache` answers from its per-process fallback,
  the posts are rendered per request, as they are when the page cache is off
  (:func:`discussions.cache.page_cache_enabled`, off in the test suite by default).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable
from typing import Any, Final

from django.core.cache import caches
from django.utils import timezone, translation

from cop.core.early_pages import code_fingerprint
from cop.core.pagecache import LocalCopies
from discussions import cache as page_cache

from .posts import PostParts, post_shared_parts

__all__ = ["SharedPosts", "shared_key", "shared_posts_load", "shared_posts_versions"]

logger = logging.getLogger(__name__)

_PREFIX: Final = "disc:post:"
_local = LocalCopies(16 * 1024 * 1024)


class SharedPosts:
    """The shared markup of a page's posts, by ``(post id, in_box)``."""

    def __init__(self, parts: dict[tuple[int, bool], PostParts] | None = None) -> None:
        self.parts = parts or {}

    def get(self, post: Any, in_box: bool) -> PostParts | None:
        """Return ``post``'s shared parts, or None (then it is rendered per request)."""
        return self.parts.get((post.pk, bool(in_box)))


def shared_posts_versions(*, topic_id: int) -> list[str] | None:
    """Return the versions the shared posts of ``topic_id`` are keyed on (None: no cache).

    Call before loading the topic and its posts: a change that commits in between
    then leaves its render under the old versions, never under the new ones.
    """
    if not page_cache.page_cache_enabled():
        return None
    cache = caches[page_cache.CACHE_ALIAS]
    try:
        versions = page_cache.scope_versions(
            [f"topic:{topic_id}", page_cache.SPACES_SCOPE]
        )
    except Exception:
        logger.warning("shared post cache unavailable", exc_info=True)
        return None
    if page_cache.in_fallback(cache):
        return None  # versions other workers cannot see
    return versions


def shared_key(versions: list[str]) -> str:
    """Return the key prefix of content kept under ``versions`` (and language, zone, code, time)."""
    bucket = int(time.time() // page_cache.PAGE_TIMEOUT)
    raw = "\n".join(
        [
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            code_fingerprint(),
            str(bucket),
            *versions,
        ]
    )
    return _PREFIX + hashlib.sha256(raw.encode()).hexdigest()[:32]


def shared_posts_load(
    *, topic: Any, items: Iterable[tuple[Any, bool]], versions: list[str] | None
) -> SharedPosts:
    """Return the shared markup of ``items`` (``(post, in_box)`` pairs) of ``topic``.

    Looks them up under ``versions`` (:func:`shared_posts_versions`), renders and
    stores the missing ones. Without versions (no cache) returns an empty
    :class:`SharedPosts`: every post is then rendered per request.
    """
    if versions is None:
        return SharedPosts()
    base = shared_key(versions)
    wanted = {
        f"{base}:{post.pk}:{int(in_box)}": (post, in_box) for post, in_box in items
    }
    found: dict[tuple[int, bool], PostParts] = {}
    missing: list[str] = []
    for key, (post, in_box) in wanted.items():
        local = _local.get(key)
        if local is None:
            missing.append(key)
        else:
            found[(post.pk, in_box)] = local
    if not missing:
        return SharedPosts(found)
    cache = caches[page_cache.CACHE_ALIAS]
    try:
        stored = cache.get_many(missing)
    except Exception:
        logger.warning("shared post cache unavailable", exc_info=True)
        return SharedPosts(found)
    new: dict[str, tuple[str, str, str]] = {}
    for key in missing:
        post, in_box = wanted[key]
        value = stored.get(key)
        parts = PostParts(*value) if value else None
        if parts is None:
            parts = post_shared_parts(post=post, topic=topic, in_box=in_box)
            new[key] = (parts.head, parts.middle, parts.tail)
        _local.put(key, parts, sum(len(part) for part in parts))
        found[(post.pk, in_box)] = parts
    if new and not page_cache.in_fallback(cache):
        try:
            cache.set_many(new, page_cache.PAGE_TIMEOUT)
        except Exception:
            logger.warning("shared post cache unavailable", exc_info=True)
    return SharedPosts(found)

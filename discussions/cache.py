"""Caching of the discussion pages that never serves stale or someone else's content.

Contract (used by the views and the services):

- :func:`cached_for_anonymous` decorates a view whose anonymous response may be
  cached; ``scopes(request, **kwargs)`` names the version keys the page depends on
  (e.g. ``["site", "space:3", "topic:17"]``).
- :func:`content_changed` is called by every service that changes what a page
  shows (inside its transaction; it bumps the versions after commit).

How it stays correct:

- **Only anonymous readers share pages.** A request is served from, or stored into,
  the cache only when it is a GET/HEAD with no cookie other than the CSRF cookie
  (no session, no messages, no language), no query other than ``page=<digits>`` and
  no htmx header. Signed-in members never touch the page cache.
- **Only shareable responses are stored:** status 200, not streaming, no cookie set,
  no ``Cache-Control: private/no-store/no-cache``, no CSRF token rendered, session
  untouched.
- **Never stale.** Each scope has a version (a random token) kept in the cache. A
  page is stored under its path, page number and the versions it was rendered
  with, read *before* rendering; :func:`content_changed` replaces the versions after
  the change commits, so the next request looks up a new key. A version that was
  evicted is recreated with a new random token, which also misses. Pages expire
  after :data:`PAGE_TIMEOUT` seconds in any case, which bounds what a lost bump (the
  cache down at that moment) can leave behind.
- **Off in the test suite by default.** The test database is rolled back after each
  test while the in-memory cache lives on, so a later test could get a page cached
  for another test's rows under the same path and ids. ``COP_DISCUSSIONS_PAGE_CACHE``
  (a Django setting, not an environment variable) defaults to on everywhere except
  ``COP_ENVIRONMENT == "test"``; the cache's own tests turn it on.
- **Never a 500 because of the cache.** Every cache call is guarded: if the backend
  raises, or :class:`cop.core.cache.ResilientRedisCache` is answering from its
  per-process fallback (whose versions other workers cannot see), the page is
  rendered uncached.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from cop.core.pagecache import mark_shared, note_versions, shareable

__all__ = [
    "CACHE_HEADER",
    "PAGE_TIMEOUT",
    "SPACES_SCOPE",
    "cached_for_anonymous",
    "content_changed",
    "in_fallback",
    "names_changed",
    "page_cache_enabled",
    "scope_versions",
    "space_slug_scope",
    "version_key",
]

logger = logging.getLogger(__name__)

#: The cache alias used for pages and versions.
CACHE_ALIAS: Final = "default"
#: Seconds a cached page lives at most (bounds the effect of a lost version bump).
PAGE_TIMEOUT: Final = 300
#: Response header telling whether the page came from the cache ("hit") or not.
CACHE_HEADER: Final = "X-Cop-Page-Cache"

#: Bumped when a space as such changes (see :func:`content_changed`).
SPACES_SCOPE: Final = "spaces"

_VERSION_PREFIX: Final = "disc:v:"
_PAGE_PREFIX: Final = "disc:page:"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
_PAGE_PARAM: Final = "page"
_MAX_PAGE_DIGITS: Final = 6
# Response headers worth keeping; middleware adds the rest on every response.
_KEPT_HEADERS: Final = ("Content-Type", "Content-Language", "Last-Modified", "ETag")


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def _token() -> str:
    return secrets.token_hex(8)


def page_cache_enabled() -> bool:
    """Return whether anonymous pages are cached (see the module docstring)."""
    default = getattr(settings, "COP_ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "COP_DISCUSSIONS_PAGE_CACHE", default))


def in_fallback(cache: BaseCache) -> bool:
    """Return whether a ResilientRedisCache answers from its per-process fallback."""
    down_until: float = getattr(cache, "_down_until", 0.0) or 0.0
    return down_until > time.monotonic()


_in_fallback = in_fallback


def scope_versions(
    scopes: Sequence[str], *, request: HttpRequest | None = None
) -> list[str]:
    """Return the current version token of each scope, creating missing ones.

    ``request``: the anonymous request whose whole page is keyed on them (see
    :func:`cop.core.pagecache.note_versions`). Raises whatever the cache backend
    raises; callers guard.
    """
    cache = _cache()
    keys = [f"{_VERSION_PREFIX}{scope}" for scope in scopes]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _token(), None)
        found.update(cache.get_many(missing))
    # A key still missing (a cache that stores nothing) gets a fresh token: a miss.
    tokens = [str(found.get(key) or _token()) for key in keys]
    if request is not None:
        note_versions(request, keys, tokens)
    return tokens


def _cacheable_request(request: HttpRequest) -> str | None:
    """Return the page parameter ("" for none) if ``request`` may use the cache."""
    if request.method not in _SAFE_METHODS or not page_cache_enabled():
        return None
    if any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return None  # session, messages, language ... : possibly personal
    if request.headers.get("HX-Request"):
        return None
    if set(request.GET) - {_PAGE_PARAM}:
        return None
    pages = request.GET.getlist(_PAGE_PARAM)
    if len(pages) > 1:
        return None
    page = pages[0] if pages else ""
    if page and (
        not (page.isascii() and page.isdigit()) or len(page) > _MAX_PAGE_DIGITS
    ):
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    return page


def _page_key(request: HttpRequest, page: str, versions: Sequence[str]) -> str:
    raw = "\n".join([request.get_host(), request.path, page, *versions])
    return _PAGE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _freeze(response: HttpResponse) -> dict[str, Any]:
    return {
        "content": response.content,
        "headers": [(h, response[h]) for h in _KEPT_HEADERS if h in response],
    }


def _thaw(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"], status=200)
    for header, value in stored["headers"]:
        response[header] = value
    response[CACHE_HEADER] = "hit"
    return response


def cached_for_anonymous(
    scopes: Callable[..., Iterable[str]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return a decorator caching the view's anonymous responses under ``scopes``' versions.

    ``scopes(request, **kwargs)`` gets the view's keyword arguments and returns the
    scope names the page depends on (``"site"``, ``"space:<id>"``, ``"topic:<id>"``).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            page = _cacheable_request(request)
            if page is None:
                return view(request, *args, **kwargs)
            key = None
            cache = _cache()
            try:
                versions = scope_versions(
                    list(scopes(request, *args, **kwargs)), request=request
                )
                if not _in_fallback(cache):
                    key = _page_key(request, page, versions)
                    stored = cache.get(key)
                    if stored is not None:
                        hit = _thaw(stored)
                        mark_shared(hit)
                        return hit
            except Exception:  # the cache is down: render uncached, never a 500
                logger.warning("discussion page cache unavailable", exc_info=True)
                key = None
            response = view(request, *args, **kwargs)
            if key is None or request.method != "GET":
                return response  # HEAD is served from the cache, never stored
            if callable(getattr(response, "render", None)) and not getattr(
                response, "is_rendered", True
            ):
                response.render()
            if shareable(request, response):
                try:
                    cache.set(key, _freeze(response), PAGE_TIMEOUT)
                    response[CACHE_HEADER] = "miss"
                    mark_shared(response)
                except Exception:
                    logger.warning("discussion page cache unavailable", exc_info=True)
            return response

        return wrapper

    return decorate


def _bump(scopes: Sequence[str], space_id: int | None = None) -> None:
    scopes = list(scopes)
    if space_id is not None:
        # The space page is looked up by its slug (no query on a hit): bump the
        # slug's scope too. One query on the write path; the "site" scope (always
        # bumped) still covers a slug that changed in this very commit.
        try:
            from discussions.models import Space

            slug = (
                Space.objects.filter(pk=space_id).values_list("slug", flat=True).first()
            )
        except Exception:
            logger.exception("could not read the slug of space %s", space_id)
            slug = None
        if slug:
            scopes.append(space_slug_scope(slug))
    cache = _cache()
    try:
        cache.set_many(
            {f"{_VERSION_PREFIX}{scope}": _token() for scope in scopes}, None
        )
    except Exception:
        # Pages expire after PAGE_TIMEOUT; nothing else can be done without a cache.
        logger.exception("could not invalidate discussion pages %s", scopes)
        return
    if _in_fallback(cache):
        logger.warning(
            "discussion page versions %s bumped in the local fallback only", scopes
        )


def version_key(scope: str) -> str:
    """Return the cache key holding ``scope``'s version token (for other apps' caches)."""
    return f"{_VERSION_PREFIX}{scope}"


def space_slug_scope(slug: str) -> str:
    """Return the scope of the space page at ``slug`` (``"space-slug:<slug>"``)."""
    return f"space-slug:{slug}"


def names_changed() -> None:
    """Invalidate every cached page that may show a member's display name.

    Names appear on posts, topic lists and the home page's latest discussions, and
    no version tracks who posted where; a rename is rare, so the site-wide lists
    and every topic page (through the ``spaces`` scope) are dropped after commit.
    """
    scopes = ["site", SPACES_SCOPE]
    transaction.on_commit(lambda: _bump(scopes))


def content_changed(
    *, space_id: int | None = None, topic_id: int | None = None
) -> None:
    """Invalidate cached pages showing ``space_id`` / ``topic_id`` (and site-wide lists).

    Call inside the transaction that makes the change: the versions of ``"site"``,
    ``"space:<space_id>"``, ``"space-slug:<its slug>"`` and ``"topic:<topic_id>"``
    are replaced after it commits (at once outside a transaction; never if it
    rolls back). A change to a space as such (``space_id`` without ``topic_id``:
    its settings, visibility, counters) also bumps ``"spaces"``, which every topic
    page depends on (a topic page cannot name its space without a query).
    """
    scopes = ["site"]
    if space_id is not None:
        scopes.append(f"space:{space_id}")
        if topic_id is None:
            scopes.append(SPACES_SCOPE)
    if topic_id is not None:
        scopes.append(f"topic:{topic_id}")
    transaction.on_commit(lambda: _bump(scopes, space_id))

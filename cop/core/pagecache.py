"""Versioned HTML caching that never serves stale or someone else's content.

Building blocks for an app's page cache (see :mod:`vendors.cache`):

- **Scopes and versions.** A page depends on named scopes (``"product:3"``); each
  scope has a random version token in the cache. :func:`scopes_bump` replaces the
  tokens after the current transaction commits, so the next lookup uses a new key and
  misses. An evicted token is recreated with a new value, which also misses.
- **Fragments.** :func:`fragment` returns cached HTML for a key built from the
  scope versions and whatever else the HTML depends on (language, day), rendering
  and storing it on a miss. The HTML must not depend on the viewer.
- **Whole pages for anonymous readers.** :func:`anonymous_request` tells whether a
  request may share a page (no cookie but CSRF's, anonymous, GET/HEAD, no htmx);
  :func:`page_get` / :func:`page_store` keep such responses, and only when
  :func:`shareable` (200, no cookie set, no CSRF token rendered, session untouched).
- **Large contents are also kept in the process** (:class:`LocalCopies`), under
  the same versioned key: a hit then costs one round trip, for the versions.
- **Never a 500 because of the cache.** Every cache call is guarded; when the cache
  raises, or :class:`cop.core.cache.ResilientRedisCache` answers from its
  per-process fallback (whose versions other workers cannot see), the content is
  rendered uncached.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final, TypeVar, cast

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.safestring import SafeString, mark_safe

logger = logging.getLogger(__name__)
T = TypeVar("T")

CACHE_ALIAS: Final = "default"
#: Response header telling whether a page came from the cache ("hit") or not.
CACHE_HEADER: Final = "X-Cop-Page-Cache"
_VERSION_PREFIX: Final = "pc:v:"
_CONTENT_PREFIX: Final = "pc:c:"
_KEPT_HEADERS: Final = ("Content-Type", "Content-Language", "Last-Modified", "ETag")
_UNSHAREABLE: Final = ("private", "no-store", "no-cache")
_SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
#: Request and response attributes read by :mod:`cop.core.early_pages`.
NOTED_VERSIONS: Final = "_cop_shared_versions"
SHARED_PAGE: Final = "_cop_shared_page"


class CacheUnavailableError(Exception):
    """The cache cannot be trusted for shared content right now."""


def _cache() -> BaseCache:
    return caches[CACHE_ALIAS]


def _checked_cache() -> BaseCache:
    cache = _cache()
    down_until: float = getattr(cache, "_down_until", 0.0) or 0.0
    if down_until > time.monotonic():
        raise CacheUnavailableError  # a per-process fallback: versions are not shared
    return cache


def note_versions(
    request: HttpRequest, keys: Sequence[str], tokens: Sequence[str]
) -> None:
    """Record on ``request`` that its shared page is keyed on these version tokens.

    :mod:`cop.core.early_pages` keeps the page with them, to answer the next
    cookieless reader before most of the middleware while they stay current.
    """
    noted: dict[str, str] = getattr(request, NOTED_VERSIONS, None) or {}
    noted.update(zip(keys, tokens, strict=True))
    setattr(request, NOTED_VERSIONS, noted)


def mark_shared(response: HttpResponseBase) -> None:
    """Mark ``response`` as a page stored for (or served to) every anonymous reader."""
    setattr(response, SHARED_PAGE, True)


def scope_versions(
    scopes: Sequence[str],
    *,
    extra_keys: Sequence[str] = (),
    request: HttpRequest | None = None,
) -> list[str]:
    """Return the version token of each scope, creating missing ones, in one round trip.

    ``extra_keys`` are full cache keys of other caches' version tokens (random
    tokens replaced on change, like these); they are read, or created, alike.
    ``request``: the anonymous request whose whole page is keyed on them
    (:func:`note_versions`). Raises :class:`CacheUnavailableError` or whatever the
    backend raises; callers guard.
    """
    keys = [_VERSION_PREFIX + scope for scope in scopes] + list(extra_keys)
    read = _read_together.get()
    if read is not None and all(key in read for key in keys):
        tokens = [read[key] for key in keys]
        if request is not None:
            note_versions(request, keys, tokens)
        return tokens
    cache = _checked_cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, secrets.token_hex(8), None)
        found.update(cache.get_many(missing))
    # A key still missing (a cache that stores nothing) gets a fresh token: a miss.
    tokens = [str(found.get(key) or secrets.token_hex(8)) for key in keys]
    if request is not None:
        note_versions(request, keys, tokens)
    return tokens


#: The version tokens :func:`versions_read_together` read for the current block.
_read_together: ContextVar[dict[str, str] | None] = ContextVar(
    "cop_versions_read_together", default=None
)


@contextmanager
def versions_read_together(
    scopes: Sequence[str], *, extra_keys: Sequence[str] = ()
) -> Iterator[None]:
    """Read these versions in one round trip for every lookup inside the block.

    For a page made of several cached parts: :func:`scope_versions` answers from
    this one read instead of a round trip per part (keys it did not read still go
    to the cache). The tokens are read before anything in the block is built, as
    each part would read them. When the cache is down the block runs without them.
    """
    try:
        tokens = scope_versions(scopes, extra_keys=extra_keys)
        keys = [_VERSION_PREFIX + scope for scope in scopes] + list(extra_keys)
        read: dict[str, str] | None = dict(zip(keys, tokens, strict=True))
    except Exception:
        logger.warning("page cache versions unavailable", exc_info=True)
        read = None
    reset = _read_together.set(read)
    try:
        yield
    finally:
        _read_together.reset(reset)


def scope_version_key(scope: str) -> str:
    """Return the cache key of ``scope``'s version token (for other caches' keys)."""
    return _VERSION_PREFIX + scope


def scopes_bump(scopes: Iterable[str]) -> None:
    """Replace the versions of ``scopes`` once the current transaction commits.

    Outside a transaction at once; never when it rolls back. A failure is logged:
    cached content also expires after its timeout.
    """
    names = sorted(set(scopes))

    def bump() -> None:
        try:
            _cache().set_many(
                {_VERSION_PREFIX + s: secrets.token_hex(8) for s in names}, None
            )
        except Exception:
            logger.exception("could not invalidate cached pages of %s", names)

    transaction.on_commit(bump)


class LocalCopies:
    """The most recently used cached contents, kept in this process too.

    A content key names its versions, so a local copy under the same key is the
    same content: only the version lookup must go to the shared cache, never the
    (large) content itself. Bounded by :data:`LOCAL_MAX_BYTES`.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.items: OrderedDict[str, tuple[int, Any]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            self.items.move_to_end(key)
            return found[1]

    def put(self, key: str, value: Any, size: int) -> None:
        if size > self.max_bytes // 4:
            return
        with self.lock:
            old = self.items.pop(key, None)
            self.size -= old[0] if old else 0
            self.items[key] = (size, value)
            self.size += size
            while self.size > self.max_bytes and self.items:
                _key, (dropped, _value) = self.items.popitem(last=False)
                self.size -= dropped


#: Bytes of cached pages and fragments each process keeps locally.
LOCAL_MAX_BYTES: Final = 16 * 1024 * 1024
_local = LocalCopies(LOCAL_MAX_BYTES)


def _size(value: Any) -> int:
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, dict):
        return sum(_size(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(_size(v) for v in value) + 64
    return 64


def content_key(*parts: str) -> str:
    """Return a cache key for content that depends on ``parts`` (versions, etc.)."""
    return _CONTENT_PREFIX + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def stored_value(key: str) -> Any:
    """Return the value kept under ``key`` (this process's copy first), or None.

    Raises :class:`CacheUnavailableError` or whatever the backend raises.
    """
    stored = _local.get(key)
    if stored is None:
        stored = _checked_cache().get(key)
        if stored is not None:
            _local.put(key, stored, _size(stored))
    return stored


def store_value(key: str, value: Any, timeout: int) -> None:
    """Keep ``value`` under ``key`` (a :func:`content_key` naming its versions)."""
    _checked_cache().set(key, value, timeout)
    _local.put(key, value, _size(value))


def cached_value(
    *,
    scopes: Sequence[str],
    parts: Sequence[str],
    build: Callable[[], T],
    timeout: int,
    extra_keys: Sequence[str] = (),
    fresh: Callable[[T], bool] | None = None,
) -> T:
    """Return what ``build()`` gives, cached under ``scopes``' versions and ``parts``.

    The value must be the same for every viewer and picklable. ``extra_keys``:
    other caches' version tokens it also depends on (see :func:`scope_versions`).
    ``fresh(value)`` false means a stored value has gone out of date by itself
    (e.g. an event it lists is over): it is built again.
    """
    try:
        key = content_key(*scope_versions(scopes, extra_keys=extra_keys), *parts)
        stored = _local.get(key)
        if stored is None:
            stored = _cache().get(key)
            if stored is not None:
                _local.put(key, stored, _size(stored))
    except Exception:
        logger.warning("fragment cache unavailable", exc_info=True)
        return build()
    if stored is not None and (fresh is None or fresh(cast("T", stored))):
        return cast("T", stored)
    value = build()
    try:
        _cache().set(key, value, timeout)
        _local.put(key, value, _size(value))
    except Exception:
        logger.warning("fragment cache unavailable", exc_info=True)
    return value


def fragment(
    *,
    scopes: Sequence[str],
    parts: Sequence[str],
    render: Callable[[], str],
    timeout: int,
) -> SafeString:
    """Return the HTML ``render()`` gives, cached under ``scopes``' versions and ``parts``.

    ``render`` must return escaped HTML (a template's output) that is the same for
    every viewer.
    """
    html = cached_value(scopes=scopes, parts=parts, build=render, timeout=timeout)
    return mark_safe(html)  # noqa: S308 - HTML rendered by a template


def fragments(
    *,
    scopes: Sequence[str],
    items: Sequence[tuple[Sequence[str], Callable[[], str]]],
    timeout: int,
) -> list[SafeString]:
    """Return the HTML of each ``(parts, render)`` as :func:`fragment` would.

    For a page made of many fragments: the scope versions are read once and the
    fragments in one round trip, and only the missing ones are rendered (then stored
    in one round trip too).
    """
    try:
        versions = scope_versions(scopes)
        keys = [content_key(*versions, *parts) for parts, _render in items]
        found = {key: value for key in keys if (value := _local.get(key)) is not None}
        if missing := [key for key in keys if key not in found]:
            for key, value in _cache().get_many(missing).items():
                _local.put(key, value, _size(value))
                found[key] = value
    except Exception:
        logger.warning("fragment cache unavailable", exc_info=True)
        return [mark_safe(render()) for _parts, render in items]  # noqa: S308
    rendered: dict[str, str] = {}
    for key, (_parts, render) in zip(keys, items, strict=True):
        if key not in found:
            found[key] = rendered[key] = render()
    if rendered:
        try:
            _cache().set_many(rendered, timeout)
            for key, value in rendered.items():
                _local.put(key, value, _size(value))
        except Exception:
            logger.warning("fragment cache unavailable", exc_info=True)
    return [mark_safe(found[key]) for key in keys]  # noqa: S308 - rendered templates


def anonymous_request(request: HttpRequest) -> bool:
    """Return whether ``request`` may be answered with a page shared by everyone."""
    if request.method not in _SAFE_METHODS:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return False  # session, messages, language ... : possibly personal
    if request.headers.get("HX-Request"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def page_key(request: HttpRequest, versions: Sequence[str], *parts: str) -> str:
    """Return the key of a shared page: host, path, ``parts`` and scope versions."""
    return content_key(request.get_host(), request.path, *parts, *versions)


def page_get(key: str) -> HttpResponse | None:
    """Return the stored page under ``key`` (marked as a hit), or None."""
    stored = _local.get(key)
    if stored is None:
        try:
            stored = _checked_cache().get(key)
        except Exception:
            logger.warning("page cache unavailable", exc_info=True)
            return None
        if stored is None:
            return None
        _local.put(key, stored, _size(stored))
    response = HttpResponse(stored["content"], status=200)
    for header, value in stored["headers"]:
        response[header] = value
    response[CACHE_HEADER] = "hit"
    mark_shared(response)
    return response


def shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Return whether ``response`` may be shown to every anonymous reader."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _UNSHAREABLE):
        return False
    # A rendered CSRF token would be set as this visitor's cookie by the middleware.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get(
        "CSRF_COOKIE_USED"
    ):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def page_store(
    request: HttpRequest, response: HttpResponse, key: str, timeout: int
) -> None:
    """Keep ``response`` under ``key`` when it is a GET and :func:`shareable`."""
    if request.method != "GET" or not shareable(request, response):
        return
    frozen = {
        "content": response.content,
        "headers": [(h, response[h]) for h in _KEPT_HEADERS if h in response],
    }
    try:
        _checked_cache().set(key, frozen, timeout)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return
    _local.put(key, frozen, _size(frozen))
    response[CACHE_HEADER] = "miss"
    mark_shared(response)

"""Anonymous page hits answered before the session, authentication and messages middleware.

The page caches of the apps (:mod:`discussions.cache`, :mod:`vendors.cache`,
:mod:`cop.guides.cache`) decide *what* may be shared: a view's anonymous response,
keyed on the versions of the scopes it depends on. They answer from inside the view,
after every middleware has run. :class:`EarlyPageCacheMiddleware` answers the same
hits earlier, right after the security headers and static files, so a hit costs one
cache round trip and none of the session, CSRF, authentication, messages, allauth
or role middleware.

How it stays correct:

- **Opt-in per response.** A page is kept here only when an app's cache stored it
  (:func:`cop.core.pagecache.mark_shared`, called by ``page_store``/``page_get`` and
  the discussions' cache) and reported the version tokens it was keyed on
  (:func:`cop.core.pagecache.note_versions`). Everything else passes through untouched.
- **Only cookieless readers.** A request is answered here only when it is a GET or
  HEAD with no cookie but the CSRF one and no htmx header, the same readers the
  apps' caches share pages with; anything else goes down the whole stack.
- **Never stale.** An entry holds the version tokens (full cache keys and values)
  its page was rendered with; a hit reads the current tokens (one ``get_many``) and
  is served only if every one is unchanged. A change bumps a token after commit, so
  the next request misses and renders afresh. Entries are also keyed on the exact
  host, path and query string, the language, today's date and a fingerprint of the
  deployed code and templates, and expire after :data:`ENTRY_TIMEOUT` seconds.
- **Stored with its headers, never with a cookie.** The entry keeps the status and
  every header the inner middleware added (``X-Frame-Options``, ``Vary``...) and is
  stored only if the response sets no cookie; the outer middleware adds the security
  headers on every response, hit or not.
- **Never a 500 because of the cache.** Every cache call is guarded; a cache that
  raises, or :class:`cop.core.cache.ResilientRedisCache` answering from its
  per-process fallback, means every request goes down the whole stack.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation

from cop.core.pagecache import CACHE_HEADER, NOTED_VERSIONS, SHARED_PAGE, LocalCopies

logger = logging.getLogger(__name__)

#: Seconds an entry lives at most (the apps' page caches keep pages 300-600 s).
ENTRY_TIMEOUT: Final = 300
_ENTRY_PREFIX: Final = "early:"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
_NOT_KEPT: Final = frozenset({CACHE_HEADER.lower(), "set-cookie", "date"})
_local = LocalCopies(8 * 1024 * 1024)


def _cache() -> BaseCache:
    return caches["default"]


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a fingerprint of the deployed code and templates (names, sizes, mtimes)."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    roots = [base / name for name in ("cop", "vendors", "discussions", "templates")]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and path.is_file():
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _eligible(request: HttpRequest) -> bool:
    if request.method not in _SAFE_METHODS:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in request.COOKIES):
        return False
    return not request.headers.get("HX-Request")


def _entry_key(request: HttpRequest) -> str:
    raw = "\n".join(
        [
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            code_fingerprint(),
        ]
    )
    return _ENTRY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _usable_cache() -> BaseCache | None:
    cache = _cache()
    down_until: float = getattr(cache, "_down_until", 0.0) or 0.0
    return None if down_until > time.monotonic() else cache


def _current(cache: BaseCache, entry: dict[str, Any]) -> bool:
    versions: dict[str, str] = entry["versions"]
    found = cache.get_many(list(versions))
    return all(found.get(key) == token for key, token in versions.items())


def lookup(request: HttpRequest) -> HttpResponse | None:
    """Return the stored page for ``request`` if its versions are all current."""
    cache = _usable_cache()
    if cache is None:
        return None
    key = _entry_key(request)
    entry = _local.get(key)
    if entry is None or not _current(cache, entry):
        entry = cache.get(key)
        if entry is None or not _current(cache, entry):
            return None
        _local.put(key, entry, len(entry["content"]))
    response = HttpResponse(entry["content"], status=entry["status"])
    for header, value in entry["headers"]:
        response[header] = value
    response[CACHE_HEADER] = "hit"
    return response


def store(request: HttpRequest, response: HttpResponseBase) -> None:
    """Keep ``response`` for the next cookieless reader if an app's cache shared it."""
    versions: dict[str, str] | None = getattr(request, NOTED_VERSIONS, None)
    if not versions or not getattr(response, SHARED_PAGE, False):
        return
    if request.method != "GET" or response.cookies or response.streaming:
        return
    if response.status_code != 200 or not isinstance(response, HttpResponse):
        return
    cache = _usable_cache()
    if cache is None:
        return
    entry: dict[str, Any] = {
        "versions": dict(versions),
        "status": response.status_code,
        "content": response.content,
        "headers": [
            (header, value)
            for header, value in response.items()
            if header.lower() not in _NOT_KEPT
        ],
    }
    key = _entry_key(request)
    cache.set(key, entry, ENTRY_TIMEOUT)
    _local.put(key, entry, len(entry["content"]))


class EarlyPageCacheMiddleware:
    """Answer cookieless GET/HEAD requests from the shared page cache (see module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _eligible(request):
            return self.get_response(request)
        try:
            hit = lookup(request)
        except Exception:  # a cache or host problem: the whole stack decides
            logger.warning("early page cache unavailable", exc_info=True)
            hit = None
        if hit is not None:
            return hit
        response = self.get_response(request)
        try:
            store(request, response)
        except Exception:
            logger.warning("early page cache unavailable", exc_info=True)
        return response

"""The home page for anonymous readers, cached whole (built on cop.core.pagecache).

The home page shows the same content to every anonymous reader: the moderators' text,
featured guides and what other apps register in :mod:`cop.guides.hooks` (the latest
public discussions). Such requests (no cookie but the CSRF one) are answered from the
cache under the version of the ``guides:pages`` scope, which any publish, unpublish,
move or deletion of a page bumps after commit (:mod:`cop.guides.signal_handlers`), and
the version tokens the providers register. Keys also carry the language, the date and
the deploy's template fingerprint. Signed-in members are never served from the cache.
Off in the test suite unless a test sets ``COP_GUIDES_PAGE_CACHE``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from cop.core import pagecache
from cop.guides.hooks import home_content_versions

logger = logging.getLogger(__name__)

PAGES_SCOPE: Final = "guides:pages"
#: Seconds a whole anonymous home page lives at most.
PAGE_TIMEOUT: Final = 600
_APP_DIR: Final = Path(__file__).resolve().parent


def enabled() -> bool:
    """Return whether the home page is cached for anonymous readers."""
    default = getattr(settings, "COP_ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "COP_GUIDES_PAGE_CACHE", default))


def pages_changed() -> None:
    """Replace the version of the pages scope once the transaction commits."""
    pagecache.scopes_bump([PAGES_SCOPE])


def serve_home_page(
    page: Any, request: HttpRequest, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Answer an anonymous reader from the cache, or render (and keep) the page."""
    if not enabled() or not pagecache.anonymous_request(request):
        return render()
    try:
        versions = pagecache.scope_versions(
            [PAGES_SCOPE],
            extra_keys=[key() for _name, key in home_content_versions],
            request=request,
        )
    except Exception:
        logger.warning("home page cache unavailable", exc_info=True)
        return render()
    key = pagecache.page_key(
        request,
        versions,
        str(page.pk),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        _template_fingerprint(),
    )
    cached = pagecache.page_get(key)
    if cached is not None:
        return cached
    response = render()
    if hasattr(response, "render"):
        response.render()
    pagecache.page_store(request, response, key, PAGE_TIMEOUT)
    return response


@functools.lru_cache(maxsize=1)
def _template_fingerprint() -> str:
    """Return a hash of the templates and of this app's code (a deploy changes it)."""
    digest = hashlib.sha256()
    templates: list[dict[str, Any]] = settings.TEMPLATES
    folders = [Path(d) for t in templates for d in t.get("DIRS", [])]
    files = [f for d in folders for f in sorted(d.rglob("*.html"))]
    files += sorted(_APP_DIR.rglob("*.py"))
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]

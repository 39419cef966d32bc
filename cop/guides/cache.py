"""Cached HTML of the home page and the guides (built on cop.core.pagecache).

Two layers, both keyed on version tokens that a change replaces after commit:

- **Viewer-independent fragments** (:func:`viewer_independent_html`): the home page
  below its title and a guide's article (:mod:`cop.guides.fragments`), rendered once
  per version and reused for every reader, signed in or not; the per-viewer parts of
  the page are rendered around them for each request.
- **Whole pages for anonymous readers** (:func:`serve_shared_page`): requests with no
  cookie but the CSRF one get the whole home page or guide from the cache (and
  :mod:`cop.core.early_pages` answers them before most middleware). Signed-in
  members are never served a whole page from the cache.

Scopes and what replaces them (:mod:`cop.guides.signal_handlers`):

- ``guides:pages``: any publish, unpublish, move or deletion of a page, a document's
  change, a page's view restriction;
- ``guides:references``: the criteria and red flags guides cite (saved one by one or
  loaded in bulk);
- ``guides:reviewers``: a member's row (display name, erasure), since a guide names
  who last reviewed it;
- the home page also depends on the version tokens other apps register in
  :mod:`cop.guides.hooks` for the sections they add.

Keys also carry the language, the date and the deploy's template fingerprint. Off in
the test suite unless a test sets ``COP_GUIDES_PAGE_CACHE``. When the cache is down
everything is rendered uncached (never a 500).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cop.core import pagecache
from cop.guides.hooks import home_content_versions

logger = logging.getLogger(__name__)

PAGES_SCOPE: Final = "guides:pages"
REFERENCES_SCOPE: Final = "guides:references"
REVIEWERS_SCOPE: Final = "guides:reviewers"
#: Seconds a whole anonymous page lives at most.
PAGE_TIMEOUT: Final = 600
#: Seconds a viewer-independent fragment lives at most (a lost bump cannot last longer).
FRAGMENT_TIMEOUT: Final = 6 * 3600
_APP_DIR: Final = Path(__file__).resolve().parent


def enabled() -> bool:
    """Return whether the home page is cached for anonymous readers."""
    default = getattr(settings, "COP_ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "COP_GUIDES_PAGE_CACHE", default))


def pages_changed() -> None:
    """Replace the version of the pages scope once the transaction commits."""
    pagecache.scopes_bump([PAGES_SCOPE])


def references_changed() -> None:
    """Replace the version of the cited criteria and red flags after commit."""
    pagecache.scopes_bump([REFERENCES_SCOPE])


def reviewers_changed() -> None:
    """Replace the version of the reviewers' names after commit."""
    pagecache.scopes_bump([REVIEWERS_SCOPE])


def _context_parts() -> list[str]:
    return [
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        _template_fingerprint(),
    ]


def _fresh(stored: tuple[str, dt.datetime | None]) -> bool:
    until = stored[1]
    return until is None or timezone.now() < until


def viewer_independent_html(
    *,
    scopes: Sequence[str],
    parts: Sequence[str],
    render: Callable[[], tuple[str, dt.datetime | None]],
    extra_keys: Sequence[str] = (),
    cached: bool = True,
) -> SafeString:
    """Return the HTML ``render()`` gives, cached under ``scopes``' versions and ``parts``.

    ``render`` returns the HTML (a template's output, the same for every reader) and
    the moment it goes out of date by itself, or None. ``extra_keys``: other apps'
    version tokens it depends on. ``cached=False`` renders without the cache.
    """
    if not cached or not enabled():
        return mark_safe(render()[0])  # noqa: S308 - HTML rendered by a template
    html, _until = pagecache.cached_value(
        scopes=scopes,
        extra_keys=extra_keys,
        parts=[*_context_parts(), *parts],
        build=render,
        timeout=FRAGMENT_TIMEOUT,
        fresh=_fresh,
    )
    return mark_safe(html)  # noqa: S308 - HTML rendered by a template


def page_versions() -> AbstractContextManager[None]:
    """Read every version a home page or guide is keyed on, in one round trip.

    The route, the restriction check, the viewer-independent part and the anonymous
    page each look their versions up; inside this block they answer from the one
    read (see :func:`cop.core.pagecache.versions_read_together`).
    """
    if not enabled():
        return nullcontext()
    return pagecache.versions_read_together(
        [PAGES_SCOPE, REFERENCES_SCOPE, REVIEWERS_SCOPE],
        extra_keys=[key() for _name, key in home_content_versions],
    )


def any_view_restriction() -> bool:
    """Return whether any page has a view restriction (cached until one changes).

    Lets public pages skip Wagtail's two restriction queries per request while no
    restriction exists anywhere (the usual case); uncached when the cache is off.
    """
    from wagtail.models import PageViewRestriction

    def build() -> bool:
        return bool(PageViewRestriction.objects.exists())

    if not enabled():
        return build()
    return bool(
        pagecache.cached_value(
            scopes=[PAGES_SCOPE],
            parts=["any-view-restriction"],
            build=build,
            timeout=FRAGMENT_TIMEOUT,
        )
    )


def serve_shared_page(
    page: Any,
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    scopes: Sequence[str],
    extra_keys: Sequence[str] = (),
    parts: Sequence[str] = (),
) -> HttpResponse:
    """Answer an anonymous reader from the cache, or render (and keep) the page.

    ``parts``: what else of the request the page depends on (its valid parameters).
    """
    if not enabled() or not pagecache.anonymous_request(request):
        return render()
    try:
        versions = pagecache.scope_versions(
            scopes, extra_keys=extra_keys, request=request
        )
    except Exception:
        logger.warning("guides page cache unavailable", exc_info=True)
        return render()
    key = pagecache.page_key(request, versions, str(page.pk), *_context_parts(), *parts)
    cached = pagecache.page_get(key)
    if cached is not None:
        return cached
    response = render()
    if hasattr(response, "render"):
        response.render()
    pagecache.page_store(request, response, key, PAGE_TIMEOUT)
    return response


def serve_home_page(
    page: Any, request: HttpRequest, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Serve the home page, whole from the cache to anonymous readers."""
    return serve_shared_page(
        page,
        request,
        render,
        scopes=[PAGES_SCOPE],
        extra_keys=[key() for _name, key in home_content_versions],
    )


def serve_guide_page(
    page: Any, request: HttpRequest, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """Serve a guide, whole from the cache to anonymous readers."""
    return serve_shared_page(
        page,
        request,
        render,
        scopes=[PAGES_SCOPE, REFERENCES_SCOPE, REVIEWERS_SCOPE],
    )


def serve_guide_index(
    page: Any, request: HttpRequest, render: Callable[[], HttpResponse], *, tag: str
) -> HttpResponse:
    """Serve the guide index (filtered by ``tag``), whole from the cache to anonymous readers."""
    return serve_shared_page(
        page,
        request,
        render,
        scopes=[PAGES_SCOPE, REFERENCES_SCOPE],
        parts=["tag", tag],
    )


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

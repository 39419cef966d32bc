"""Wagtail's page routing, remembered per version of the page tree.

To serve ``/guides/some-guide/`` Wagtail finds the site (one query), then walks the
tree from the site's root, one child and its specific row at a time (two queries per
level): about seven queries before the page renders, for every reader whose request
the anonymous page cache cannot answer (every signed-in member). :func:`serve`
remembers where a path led (the site, the page's type and id) under the version of
the ``guides:pages`` scope, which every publish, unpublish, move or deletion
replaces, and hands Wagtail that route on the next request through the request
attributes Wagtail itself caches it in (``_wagtail_site``,
``_wagtail_route_for_request``): one compiled query then loads the page, and the
process keeps it under the same key, so later requests copy it without a query
(each request gets its own copy, without related rows loaded before).

Only plain pages are remembered (no routable pages, whose route depends on the
rest of the path, no arguments) and only for GET and HEAD; the view restrictions,
``before_serve_page`` hooks and the page's own ``serve`` all still run. A cache
that is down means Wagtail routes as usual.
"""

from __future__ import annotations

import copy
import logging
from typing import Any, Final

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Site
from wagtail.url_routing import RouteResult

from cop.core import pagecache
from cop.core.prepared import PreparedQuery
from cop.guides import cache

logger = logging.getLogger(__name__)

_SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
_ROUTE_TIMEOUT: Final = 3600


def _key(request: HttpRequest, path: str) -> str | None:
    """Return the key of ``path``'s route under the current tree version, or None."""
    if request.method not in _SAFE_METHODS or not cache.enabled():
        return None
    try:
        versions = pagecache.scope_versions([cache.PAGES_SCOPE])
    except Exception:  # never a 500 because of the cache
        logger.warning("page routes unavailable", exc_info=True)
        return None
    host, language = request.get_host(), translation.get_language() or ""
    return pagecache.content_key(*versions, "route", host, language, path)


def _stored(key: str) -> dict[str, Any]:
    """Return the remembered route under ``key``, or {}."""
    try:
        found: dict[str, Any] | None = pagecache.stored_value(key)
    except Exception:
        logger.warning("page routes unavailable", exc_info=True)
        return {}
    return found or {}


#: One compiled query per page type: the live page of that type with its id.
_LIVE_PAGE: dict[type[Model], PreparedQuery] = {}


def _live_page(model: type[Model]) -> PreparedQuery:
    """Return the compiled "live page ``page_id`` of type ``model``" query."""
    prepared = _LIVE_PAGE.get(model)
    if prepared is None:

        def build(page_id: int) -> QuerySet[Any]:
            return model._default_manager.filter(pk=page_id, live=True).order_by("pk")

        prepared = _LIVE_PAGE.setdefault(
            model, PreparedQuery(build, page_id=2_101_999_301)
        )
    return prepared


#: Live pages loaded by remembered routes, kept by this process under the route's
#: key (which names the tree version: a publish, unpublish or move misses).
_kept_pages = pagecache.LocalCopies(max_bytes=64 * 1000)
_PAGE_SIZE: Final = 64


def _prefill(request: HttpRequest, key: str, route: dict[str, Any]) -> bool:
    """Set Wagtail's route attributes on ``request`` from ``route``; False if none."""
    if not route:
        return False
    model = ContentType.objects.get_for_id(route["content_type"]).model_class()
    if model is None:
        return False
    kept = _kept_pages.get(key)
    if kept is None:
        kept = _live_page(model).first(page_id=route["page"])
        if kept is None:
            return False
        _kept_pages.put(key, kept, _PAGE_SIZE)
    # Each request serves its own copy, without related rows an earlier request
    # loaded: they may have changed under another version (a reviewer's name).
    page = copy.copy(kept)
    page._state.fields_cache = {}
    page.__dict__.pop("_prefetched_objects_cache", None)
    request._wagtail_site = Site(**route["site"])  # type: ignore[attr-defined]
    request._wagtail_route_for_request = RouteResult(page)  # type: ignore[attr-defined]
    return True


def _remember(request: HttpRequest, key: str) -> None:
    """Keep the route Wagtail found under ``key`` (read before it routed)."""
    result = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if result is None or site is None:
        return
    page, args, kwargs = result
    if args or kwargs or isinstance(page, RoutablePageMixin):
        return
    route = {
        "site": {
            "pk": site.pk,
            "hostname": site.hostname,
            "port": site.port,
            "site_name": site.site_name,
            "root_page_id": site.root_page_id,
            "is_default_site": site.is_default_site,
        },
        "content_type": page.content_type_id,
        "page": page.pk,
    }
    try:
        pagecache.store_value(key, route, _ROUTE_TIMEOUT)
    except Exception:
        logger.warning("page routes unavailable", exc_info=True)


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a Wagtail page, routed from the remembered route when there is one.

    The key is read before Wagtail routes, so a route found while the tree changes
    is kept under the version it may be stale for, never under the new one. The
    versions of the page's cached parts are read then too, in the same round trip.
    """
    if request.method not in _SAFE_METHODS or not cache.enabled():
        response: HttpResponse = wagtail_views.serve(request, path)
        return response
    with cache.page_versions():
        key = _key(request, path)
        if key is None:
            response = wagtail_views.serve(request, path)
            return response
        prefilled = _prefill(request, key, _stored(key))
        response = wagtail_views.serve(request, path)
        if not prefilled:
            _remember(request, key)
        return response

"""Cached HTML of the public product and comparison pages (built on cop.core.pagecache).

What is cached, and for whom:

- **The published part of a product page** (summary, answers, roadmap, changes) and
  **the comparison table**: rendered once per published version and served to every
  reader, signed in or not. Per-viewer parts (the header, a representative's tools,
  related discussions, the CSRF token) are rendered for each request around it.
- **The community part of a product page** (its disclosure trend, what libraries
  ask for, red flags raised) and **the body of the priorities page**: rendered once
  per version for each answer to "may this reader set priorities?" (the only
  per-reader part they have), so every reader with the same answer gets the same HTML.
- **Whole product and comparison pages for anonymous readers** (no cookie but the
  CSRF one), including the related discussions, whose version the providers give
  through :data:`vendors.hooks.product_content_versions`.

Versions (scopes) and what bumps them, after commit (``vendors.signal_handlers``):

- ``vendors:product:<id>``: a publish, an unpublish, the product row, its roadmap
  items and their status history.
- ``vendors:reference``: the criteria, domains, modules and options, and the
  disclosure settings (freshness window).
- ``vendors:catalogue``: any product or vendor row (names in the comparison form).
- ``vendors:community``: any membership (community counts count the libraries whose
  verified members raised something).
- ``vendors:priorities``: any library's priorities or roadmap support.

Keys also carry the language, today's date (answers go stale by date) and a
fingerprint of the templates and of this app's code, so a deploy never serves HTML
made by the code before it. Off in the test suite unless a test turns it on
(``COP_VENDORS_PAGE_CACHE``), like the discussions' cache, because the in-memory
cache outlives each test's rolled-back rows.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cop.core import pagecache
from cop.privacy.data_files import at_a_glance_fingerprint
from vendors.hooks import product_content_versions

logger = logging.getLogger(__name__)

#: Seconds a rendered fragment lives at most (a lost bump cannot last longer).
FRAGMENT_TIMEOUT: Final = 6 * 3600
#: Seconds a whole anonymous page lives at most.
PAGE_TIMEOUT: Final = 600

REFERENCE_SCOPE: Final = "vendors:reference"
CATALOGUE_SCOPE: Final = "vendors:catalogue"
#: Bumped with every product scope: the comparison may show any product.
ANY_PRODUCT_SCOPE: Final = "vendors:any-product"
#: Who belongs to which organisation: community counts count libraries' members.
COMMUNITY_SCOPE: Final = "vendors:community"

_APP_DIR: Final = Path(__file__).resolve().parent
T = TypeVar("T")


def product_scope(product_id: int) -> str:
    """Return the scope of one product's published content."""
    return f"vendors:product:{product_id}"


def enabled() -> bool:
    """Return whether the vendors pages are cached (see the module docstring)."""
    default = getattr(settings, "COP_ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "COP_VENDORS_PAGE_CACHE", default))


@functools.lru_cache(maxsize=1)
def deploy_fingerprint() -> str:
    """Return a hash of the templates, this app's code and the at-a-glance list."""
    digest = hashlib.sha256(at_a_glance_fingerprint().encode())
    templates: list[dict[str, Any]] = settings.TEMPLATES
    folders = [Path(d) for t in templates for d in t.get("DIRS", [])]
    files = [f for d in folders for f in sorted(d.rglob("*.html"))]
    files += sorted(_APP_DIR.rglob("*.py"))
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _context_parts() -> list[str]:
    return [
        deploy_fingerprint(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
    ]


def published_html(
    *,
    scopes: Sequence[str],
    parts: Sequence[str],
    render: Callable[[], str],
    related: bool = False,
) -> SafeString:
    """Return the viewer-independent HTML ``render()`` gives, cached under ``scopes``.

    ``related``: the HTML shows other apps' community content too (keyed on their
    :data:`~vendors.hooks.product_content_versions`).
    """
    if not enabled():
        return mark_safe(render())  # noqa: S308 - HTML rendered by a template
    html = pagecache.cached_value(
        scopes=[*scopes, REFERENCE_SCOPE],
        extra_keys=_related_version_keys() if related else (),
        parts=[*_context_parts(), *parts],
        build=render,
        timeout=FRAGMENT_TIMEOUT,
    )
    return mark_safe(html)  # noqa: S308 - HTML rendered by a template


def published_html_many(
    *, scopes: Sequence[str], items: Sequence[tuple[Sequence[str], Callable[[], str]]]
) -> list[SafeString]:
    """Return the HTML of each ``(parts, render)``, looked up together (see above)."""
    if not enabled():
        return [mark_safe(render()) for _parts, render in items]  # noqa: S308
    context = _context_parts()
    return pagecache.fragments(
        scopes=[*scopes, REFERENCE_SCOPE],
        items=[([*context, *parts], render) for parts, render in items],
        timeout=FRAGMENT_TIMEOUT,
    )


#: Values built from the reference data, kept in this process: ``{token: {parts: value}}``.
_reference_values: dict[str, dict[tuple[str, ...], Any]] = {}


def reference_value(*, parts: Sequence[str], build: Callable[[], T]) -> T:
    """Return ``build()``, kept in this process until the reference data change.

    For what is read on every request and changes only with the criteria, domains,
    modules and options (the ``vendors:reference`` scope), e.g. the criteria of a
    product type with their options; the values are shared between requests, so
    read-only. Built anew when the cache is off or down.
    """
    if not enabled():
        return build()
    try:
        (token,) = pagecache.scope_versions([REFERENCE_SCOPE])
    except Exception:
        logger.warning("reference data version unavailable", exc_info=True)
        return build()
    values = _reference_values.get(token)
    if values is None:
        _reference_values.clear()  # values of an older version
        values = _reference_values.setdefault(token, {})
    value: T | None = values.get(tuple(parts))
    if value is None:
        value = build()
        values[tuple(parts)] = value
    return value


def published_value(
    *, scopes: Sequence[str], parts: Sequence[str], build: Callable[[], T]
) -> T:
    """Return the viewer-independent value ``build()`` gives, cached under ``scopes``."""
    if not enabled():
        return build()
    return pagecache.cached_value(
        scopes=[*scopes, REFERENCE_SCOPE],
        parts=[*_context_parts(), *parts],
        build=build,
        timeout=FRAGMENT_TIMEOUT,
    )


#: Products found by their slugs, kept by this process with the catalogue version
#: they were read under (values ``(token, product)``).
_products = pagecache.LocalCopies(max_bytes=64 * 1000)


@contextmanager
def product_page(
    vendor_slug: str,
    product_slug: str,
    *,
    scopes: Sequence[str],
    load: Callable[[], Any],
) -> Iterator[Any]:
    """Yield a product page's product (or None), its parts' versions read together.

    One round trip reads the catalogue's version, the product's own (of the product
    these slugs named last time), those of ``scopes`` and of the related content
    (see :func:`cop.core.pagecache.versions_read_together`). ``load()`` reads the
    product from the database unless this process kept it under the current
    catalogue version (every product and vendor row change replaces it); each
    request gets its own copy.
    """
    if not enabled():
        yield load()
        return
    slugs = f"{vendor_slug}/{product_slug}"
    kept = _products.get(slugs)
    guess = [product_scope(kept[1].pk)] if kept is not None else []
    with pagecache.versions_read_together(
        [CATALOGUE_SCOPE, *guess, *scopes, REFERENCE_SCOPE],
        extra_keys=_related_version_keys(),
    ):
        catalogue: str | None
        try:
            (catalogue,) = pagecache.scope_versions([CATALOGUE_SCOPE])
        except Exception:
            logger.warning("vendors catalogue version unavailable", exc_info=True)
            catalogue = None
        if catalogue is not None and kept is not None and kept[0] == catalogue:
            product = kept[1]
        else:
            product = load()
            if product is not None and catalogue is not None:
                _products.put(slugs, (catalogue, product), 64)
        yield copy.copy(product) if product is not None else None


def _related_version_keys() -> list[str]:
    return [provider() for _key, provider in product_content_versions]


def anonymous_page(
    request: HttpRequest,
    *,
    scopes: Sequence[str],
    parts: Sequence[str],
    respond: Callable[[], HttpResponse],
    related: bool = False,
) -> HttpResponse:
    """Return ``respond()``, served from and kept in the cache for anonymous readers.

    ``parts`` name everything else the page depends on (its validated parameters);
    ``related`` says the page shows other apps' related content (keyed on their
    :data:`~vendors.hooks.product_content_versions` too). Runs no query on a hit.
    """
    if not enabled() or not pagecache.anonymous_request(request):
        return respond()
    try:
        versions = pagecache.scope_versions(
            [*scopes, REFERENCE_SCOPE],
            extra_keys=_related_version_keys() if related else (),
            request=request,
        )
        key = pagecache.page_key(request, versions, *_context_parts(), *parts)
    except Exception:  # the cache is down: render uncached, never a 500
        logger.warning("vendors page cache unavailable", exc_info=True)
        return respond()
    cached = pagecache.page_get(key)
    if cached is not None:
        return cached
    response = respond()
    pagecache.page_store(request, response, key, PAGE_TIMEOUT)
    return response


def product_changed(*product_ids: Any) -> None:
    """Invalidate the pages showing these products, after the transaction commits."""
    scopes = [product_scope(int(pk)) for pk in product_ids if pk]
    if scopes:
        pagecache.scopes_bump([ANY_PRODUCT_SCOPE, *scopes])


def catalogue_changed(*product_ids: Any) -> None:
    """Invalidate the product lists (and the pages of ``product_ids``) after commit."""
    pagecache.scopes_bump(
        [
            CATALOGUE_SCOPE,
            ANY_PRODUCT_SCOPE,
            *(product_scope(int(pk)) for pk in product_ids if pk),
        ]
    )


def community_changed() -> None:
    """Invalidate the community counts (a membership changed), after commit."""
    pagecache.scopes_bump([COMMUNITY_SCOPE])


def reference_changed() -> None:
    """Invalidate every cached vendors page (criteria or settings changed), after commit."""
    pagecache.scopes_bump([REFERENCE_SCOPE])

"""The guides and standard pages that a site search also finds.

Pages are searched with Wagtail's page search (its index is kept by Wagtail on
publish), limited to live pages without a view restriction on them or an ancestor:
drafts, unpublished, expired and private pages never appear, whoever searches.

The results are the same for every visitor, so they are cached
(:func:`cop.core.pagecache.cached_value`, about five queries saved per search) under
the version of :data:`PAGES_SCOPE`, which :func:`register` has bumped after every
publish, unpublish (expiry included), move or deletion of a page and every change
of a view restriction; the words searched and the language are the rest of the key.
Off in the test suite unless a test sets ``COP_SEARCH_PAGE_CACHE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import translation

from cop.core import pagecache

__all__ = ["PAGES_SCOPE", "PAGES_SHOWN", "PageResults", "page_search", "register"]

#: Pages listed above the discussions; the guides are few, so no paging.
PAGES_SHOWN = 10
#: The cache scope of the page search results.
PAGES_SCOPE: Final = "discussions:page-search"
#: Seconds a cached result lives at most.
PAGES_TIMEOUT: Final = 600


@dataclass(frozen=True)
class PageResults:
    """The best matching pages (``(title, url, intro)``) and how many match in all."""

    pages: list[tuple[str, str, str]]
    count: int


def _enabled() -> bool:
    default = getattr(settings, "COP_ENVIRONMENT", "") != "test"
    return bool(getattr(settings, "COP_SEARCH_PAGE_CACHE", default))


def page_search(*, terms: list[str]) -> PageResults:
    """Return the live, public guide and standard pages that hold every one of ``terms``.

    ``terms`` come from ``search_terms`` (words only). Anyone may call it: the pages
    found are the ones every visitor may read. A search backend error gives no
    pages rather than a failed results page (and is not cached).
    """
    if not _enabled():
        return _page_search(terms)
    failed: list[bool] = []

    def build() -> PageResults:
        results = _page_search(terms, failed)
        if failed:
            raise _SearchFailedError(results)
        return results

    try:
        return pagecache.cached_value(
            scopes=[PAGES_SCOPE],
            parts=["page-search", translation.get_language() or "", *terms],
            build=build,
            timeout=PAGES_TIMEOUT,
        )
    except _SearchFailedError as error:
        return error.results


class _SearchFailedError(Exception):
    def __init__(self, results: PageResults) -> None:
        super().__init__("page search failed")
        self.results = results


def _page_search(terms: list[str], failed: list[bool] | None = None) -> PageResults:
    from wagtail.models import Page
    from wagtail.search.backends.base import FilterFieldError

    from cop.guides.models import GuidePage, StandardPage

    pages = Page.objects.live().public().type(GuidePage, StandardPage).specific()
    try:
        # A backend error must not break the request's transaction.
        with transaction.atomic():
            results = pages.search(" ".join(terms), operator="and")
            found = list(results[:PAGES_SHOWN])
            count = len(found) if len(found) < PAGES_SHOWN else results.count()
    except (DatabaseError, FilterFieldError):
        if failed is not None:
            failed.append(True)
        return PageResults(pages=[], count=0)
    return PageResults(
        pages=[
            (page.title, page.url or "", getattr(page, "intro", "") or "")
            for page in found
        ],
        count=count,
    )


def _changed(sender: Any, **kwargs: Any) -> None:
    pagecache.scopes_bump([PAGES_SCOPE])


def register() -> None:
    """Keep the cached results fresh (called from ``AppConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_changed, dispatch_uid="page-search-published")
    page_unpublished.connect(_changed, dispatch_uid="page-search-unpublished")
    post_page_move.connect(_changed, dispatch_uid="page-search-moved")
    post_delete.connect(_changed, sender=Page, dispatch_uid="page-search-deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            _changed,
            sender=PageViewRestriction,
            dispatch_uid=f"page-search-restriction-{signal is post_save}",
        )

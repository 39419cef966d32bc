"""The guides and standard pages that a site search also finds.

Pages are searched with Wagtail's page search (its index is kept by Wagtail on
publish), limited to live pages without a view restriction on them or an ancestor:
drafts, unpublished, expired and private pages never appear, whoever searches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError, transaction

__all__ = ["PAGES_SHOWN", "PageResults", "page_search"]

#: Pages listed above the discussions; the guides are few, so no paging.
PAGES_SHOWN = 10


@dataclass(frozen=True)
class PageResults:
    """The best matching pages (``(title, url, intro)``) and how many match in all."""

    pages: list[tuple[str, str, str]]
    count: int


def page_search(*, terms: list[str]) -> PageResults:
    """Return the live, public guide and standard pages that hold every one of ``terms``.

    ``terms`` come from ``search_terms`` (words only). Anyone may call it: the pages
    found are the ones every visitor may read. A search backend error gives no
    pages rather than a failed results page.
    """
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
        return PageResults(pages=[], count=0)
    return PageResults(
        pages=[
            (page.title, page.url or "", getattr(page, "intro", "") or "")
            for page in found
        ],
        count=count,
    )

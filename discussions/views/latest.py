"""The discussions' front page: the latest topics across spaces, and the month's top.

Same rules as the space pages: every row comes through the selectors (visibility
applied), anonymous responses are cached under the "site" version, which every
change to a topic or post bumps (:func:`discussions.cache.content_changed`).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from discussions.cache import cached_for_anonymous
from discussions.selectors import latest as latest_selectors
from discussions.selectors import reading as reading_selectors
from discussions.selectors import topics as topic_selectors


def _site_scopes(request: HttpRequest, **kwargs: Any) -> list[str]:
    return ["site"]


def _rows(request: HttpRequest, topics: list[Any]) -> list[Any]:
    rows = topic_selectors.topic_rows_prepare(topics=topics)
    # "New" markers for members with reading history on (at most one query).
    return reading_selectors.read_markers_attach(viewer=request.user, topics=rows)


def _render(request: HttpRequest, view: str, **context: Any) -> HttpResponse:
    context |= {
        "view": view,
        "spaces": topic_selectors.space_list(viewer=request.user),
        "viewer": request.user,
    }
    return render(request, "discussions/latest.html", context)


@require_safe
@cached_for_anonymous(_site_scopes)
def index(request: HttpRequest) -> HttpResponse:
    """List the latest topics the viewer may read in every space, then the spaces."""
    page_obj = latest_selectors.latest_page(
        viewer=request.user, page=request.GET.get("page")
    )
    page_obj.object_list = _rows(request, list(page_obj.object_list))
    return _render(request, "latest", page_obj=page_obj, topics=page_obj.object_list)


@require_safe
@cached_for_anonymous(_site_scopes)
def top(request: HttpRequest) -> HttpResponse:
    """List the month's topics with the most replies and helpful marks."""
    topics = _rows(request, latest_selectors.top_topics(viewer=request.user))
    return _render(request, "top", topics=topics, top_days=latest_selectors.TOP_DAYS)


urlpatterns = [
    path("", index, name="index"),
    path("top/", top, name="top"),
]

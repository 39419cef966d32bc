"""The discussions' front page: the latest topics across spaces, and the month's top.

Same rules as the space pages: every row comes through the selectors (visibility
applied), anonymous responses are cached under the "site" version, which every
change to a topic or post bumps (:func:`discussions.cache.content_changed`). The
body of "Latest" is shared by the members with the same reading rights
(:mod:`discussions.fragments.lists`); only their unread markers are theirs.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from discussions.cache import cached_for_anonymous
from discussions.fragments.lists import (
    ListBody,
    list_body_html,
    list_body_render,
    viewer_of,
)
from discussions.selectors import latest as latest_selectors
from discussions.selectors import topics as topic_selectors

_BODY = "discussions/includes/latest_body.html"


def _site_scopes(request: HttpRequest, **kwargs: Any) -> list[str]:
    return ["site"]


def _body(request: HttpRequest, viewer: Any, view: str, **context: Any) -> ListBody:
    topics = topic_selectors.topic_rows_prepare(topics=context["topics"])
    spaces = list(topic_selectors.space_list(viewer=viewer))
    context |= {"view": view, "topics": topics, "spaces": spaces, "viewer": viewer}
    times = [t.last_activity_at for t in topics] + [s.last_activity_at for s in spaces]
    return list_body_render(_BODY, context, request=request, times=times)


def _render(request: HttpRequest, view: str, body: Any) -> HttpResponse:
    return render(request, "discussions/latest.html", {"view": view, "list_body": body})


@require_safe
@cached_for_anonymous(_site_scopes)
def index(request: HttpRequest) -> HttpResponse:
    """List the latest topics the viewer may read in every space, then the spaces."""
    viewer = viewer_of(request)

    def build() -> ListBody:
        page_obj = latest_selectors.latest_page(
            viewer=viewer, page=request.GET.get("page")
        )
        topics = list(page_obj.object_list)
        return _body(request, viewer, "latest", page_obj=page_obj, topics=topics)

    body = list_body_html(
        request=request, viewer=viewer, scopes=["site"], parts=["latest"], build=build
    )
    return _render(request, "latest", body)


@require_safe
@cached_for_anonymous(_site_scopes)
def top(request: HttpRequest) -> HttpResponse:
    """List the month's topics with the most replies and helpful marks."""
    viewer = viewer_of(request)

    def build() -> ListBody:
        topics = latest_selectors.top_topics(viewer=viewer)
        return _body(
            request, viewer, "top", topics=topics, top_days=latest_selectors.TOP_DAYS
        )

    # Not shared: the month's window moves on without any change to a topic.
    body = list_body_html(
        request=request,
        viewer=viewer,
        scopes=["site"],
        parts=["top"],
        build=build,
        cached=False,
    )
    return _render(request, "top", body)


urlpatterns = [
    path("", index, name="index"),
    path("top/", top, name="top"),
]

"""The composer's helpers: the Markdown preview and the @ mention suggestions.

Both answer htmx or ``fetch`` requests from the composing pages; without
JavaScript the forms' own "Preview" button re-renders the page with the preview.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from discussions import markup, permissions
from discussions.selectors import composing as composing_selectors


@require_POST
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """Return ``body`` rendered exactly as a post would be (same renderer, same cleaning)."""
    body = request.POST.get("body", "")
    return render(
        request,
        "discussions/includes/preview.html",
        {"preview_html": markup.render_markdown(body) if body.strip() else ""},
    )


@never_cache
@require_safe
@login_required
def mention_suggestions(request: HttpRequest) -> JsonResponse:
    """Return up to eight display names for ``?q=`` among the readers of the topic.

    ``?topic=<id>`` for a reply or an edit, ``?space=<slug>`` for a new topic; the
    viewer must be able to read it (404 otherwise, as for the page itself).
    """
    topic = space = None
    if request.GET.get("topic", "").isdigit():
        topic = permissions.access_topic(request.user, int(request.GET["topic"]))
    elif request.GET.get("space"):
        space = permissions.access_space(request.user, request.GET["space"][:80])
    names = composing_selectors.mention_suggestions(
        viewer=request.user, prefix=request.GET.get("q", ""), topic=topic, space=space
    )
    return JsonResponse({"names": names})


urlpatterns = [
    path("compose/preview/", preview, name="preview"),
    path("compose/mentions/", mention_suggestions, name="mention_suggestions"),
]

"""Views: search over the topics and posts the viewer may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from discussions.forms.search import SearchForm
from discussions.selectors import search as search_selectors
from discussions.selectors.topics import space_list


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Show the search form and, for a valid query, a page of matching topics."""
    form = SearchForm(request.GET or None, spaces=space_list(viewer=request.user))
    page_obj = None
    error = ""
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        data = form.cleaned_data
        try:
            page_obj = search_selectors.search_topics(
                viewer=request.user,
                query=data["q"],
                page=request.GET.get("page", 1),
                space=data["space"],
                kind=data["kind"] or None,
            )
        except search_selectors.SearchQueryError as exc:
            error = str(exc)
    return render(
        request,
        "discussions/search.html",
        {"form": form, "page_obj": page_obj, "error": error, "viewer": request.user},
    )


urlpatterns = [path("search/", search, name="search")]

"""Views: site search over the guides and pages and the discussions the viewer may see."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from discussions.forms.search import SearchForm
from discussions.selectors import search as search_selectors
from discussions.selectors.pages import page_search
from discussions.selectors.topics import space_list


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Show the search form and, for a valid query, matching pages and topics.

    The guides and pages come first on the first page, unless the search is
    narrowed to a space or a topic type (which only topics have).
    """
    form = SearchForm(request.GET or None, spaces=space_list(viewer=request.user))
    page_obj = pages = None
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
            if page_obj.number == 1 and not (data["space"] or data["kind"]):
                pages = page_search(terms=search_selectors.search_terms(data["q"]))
        except search_selectors.SearchQueryError as exc:
            error = str(exc)
    context = {"form": form, "page_obj": page_obj, "pages": pages, "error": error}
    return render(
        request, "discussions/search.html", {**context, "viewer": request.user}
    )


urlpatterns = [path("search/", search, name="search")]

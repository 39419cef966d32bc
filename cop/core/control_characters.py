"""Refuse requests that carry control characters, at the edge, with a clear 400.

PostgreSQL text cannot hold a NUL byte, so a ``%00`` in any parameter that reaches a
query used to end in a 500; other control characters have no business in a path, a
search or a form either. :class:`RejectControlCharactersMiddleware` answers such a
request with 400 before any view runs: the path and the query string when the request
arrives, form fields once CSRF has been checked (so that the page may show the person
what they typed). Tab, carriage return and line feed stay allowed everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

# C0 controls except tab, LF and CR; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Form fields never shown back on the error page.
_SECRET_FIELD = re.compile(r"password|csrf|token|secret|code|key", re.IGNORECASE)


def has_control_characters(values: Iterable[str]) -> bool:
    """Return whether any of ``values`` holds a control character other than tab/CR/LF."""
    return any(CONTROL_CHARACTERS.search(value) for value in values)


def _query_dict_texts(data: QueryDict) -> Iterable[str]:
    for key, values in data.lists():
        yield key
        yield from values


def _wants_json(request: HttpRequest) -> bool:
    path = request.path
    return (
        path.startswith("/api/")
        or path.endswith(".json")
        or "application/json" in request.headers.get("Accept", "")
    )


def _typed_fields(data: QueryDict) -> list[tuple[str, str]]:
    """Return the form's text fields (no secrets), control characters removed."""
    return [
        (key, CONTROL_CHARACTERS.sub("", value))
        for key, values in data.lists()
        if not _SECRET_FIELD.search(key)
        for value in values
        if value.strip()
    ]


def control_characters_response(
    request: HttpRequest, *, where: str, form: QueryDict | None = None
) -> HttpResponse:
    """Return the 400 answer: JSON for the API, otherwise a page that says what to fix.

    ``where`` names the part that held the characters ("address", "search", "form").
    For a form, the page shows what was typed (without the control characters and
    without password or token fields), so that nothing is lost.
    """
    message = _(
        "The %(where)s contains control characters (such as a NUL byte) that cop does "
        "not accept. Nothing was saved. Remove them and try again."
    ) % {"where": where}
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=400)
    context: dict[str, Any] = {
        "message": message,
        "typed_fields": _typed_fields(form) if form is not None else [],
    }
    return render(request, "core/control_characters.html", context, status=400)


class RejectControlCharactersMiddleware:
    """Answer 400 for control characters in the path, the query string or form fields."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters([request.path]):
            return control_characters_response(request, where=_("address"))
        if has_control_characters(_query_dict_texts(request.GET)):
            return control_characters_response(request, where=_("query"))
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        """Check form fields after CSRF has accepted the request (see module)."""
        if request.method != "POST":
            return None
        if has_control_characters(_query_dict_texts(request.POST)):
            return control_characters_response(
                request, where=_("form"), form=request.POST
            )
        return None

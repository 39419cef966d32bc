"""Views: unsubscribe from e-mails with a signed link (no sign-in needed).

``GET`` shows the choices the link's scope allows and changes nothing. ``POST``
applies one: a mail client's RFC 8058 one-click request (body
``List-Unsubscribe=One-Click``, no session, no CSRF token) applies the scope's
default at once; the page's form sends a ``choice``. A tampered or expired link
gets a 400 page and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from discussions import mail, services
from discussions.models import DiscussionSettings, Space


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "discussions/unsubscribe_invalid.html", status=400)


# csrf_exempt only here: mail clients POST the one-click request without a session.
# The signed token is the credential, and it can change only its own scope.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Show the unsubscribe choices (GET) or apply one (POST)."""
    try:
        user_id, scope = mail.unsubscribe_token_check(token)
    except signing.BadSignature:
        return _invalid(request)
    prefs = DiscussionSettings.objects.filter(user_id=user_id).first()
    space = _space_of(scope)
    if request.method == "POST":
        try:
            applied = services.email_unsubscribe(
                user_id=user_id, scope=scope, choice=request.POST.get("choice") or None
            )
        except (LookupError, ValueError, ValidationError, PermissionDenied):
            return _invalid(request)
        return render(
            request,
            "discussions/unsubscribe_done.html",
            {"applied": applied, "space": space},
        )
    choices = services.unsubscribe_choices(scope=scope, prefs=prefs)
    context: dict[str, Any] = {"choices": choices, "space": space, "token": token}
    return render(request, "discussions/unsubscribe.html", context)


def _space_of(scope: str) -> Space | None:
    if not scope.startswith("space:"):
        return None
    return Space.objects.filter(pk=int(scope.split(":", 1)[1])).first()


urlpatterns: list[Any] = [
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]

"""Health and readiness endpoints for load balancers and `make run`, and the media
files of the embedded default."""

from __future__ import annotations

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from cop.core import selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process is alive; touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database and broker are reachable, 503 with the reason if not."""
    readiness = selectors.readiness_get()
    status = 200 if readiness.ready else 503
    return JsonResponse(
        {
            "status": "ok" if readiness.ready else "unavailable",
            "checks": readiness.checks,
        },
        status=status,
    )


# Uploaded files that must go through a view that checks who may read them (Wagtail
# serves documents with their collection's privacy rules at /documents/).
PRIVATE_MEDIA_PREFIXES = ("documents/",)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Send the browsers' implicit ``/favicon.ico`` request to the site's icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve an uploaded image from ``MEDIA_ROOT`` when ``settings.COP_SERVE_MEDIA``.

    For the embedded default (``make run``), where no web server sits in front of
    cop; production leaves ``/media/`` to the reverse proxy and answers 404 here.
    Documents are never served this way. ``serve`` refuses paths outside the root.
    """
    if not settings.COP_SERVE_MEDIA or path.startswith(PRIVATE_MEDIA_PREFIXES):
        raise Http404
    response: HttpResponse = serve(  # a FileResponse, which is an HttpResponse
        request, path, document_root=str(settings.MEDIA_ROOT)
    )  # type: ignore[assignment]
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404``: JSON under ``/api/`` (as the API's own 404s), the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)

"""Health and readiness endpoints for load balancers and `make run`."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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

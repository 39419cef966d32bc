"""Answer 503 with ``Retry-After`` while the database cannot be reached, not a 500.

A database outage (PostgreSQL restarting, refusing connections, timing out) raises
``OperationalError`` wherever the request first needs it: loading the session in a
middleware, a view, a template. Django turns every uncaught exception into a call to
``handler500``; :func:`server_error` (that handler) tells an outage from a bug and
answers the outage with a 503 page (JSON under ``/api/``) that says to try again, and
for a form whether what was sent was saved. The page is rendered without the request,
so it needs no database itself.

:class:`DatabaseWriteTrackingMiddleware` notes on the request whether any statement
that writes (INSERT, UPDATE, DELETE) succeeded before the failure: if none did, the
answer can say for sure that nothing was saved; otherwise it says to check first.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# SQLite raises OperationalError for missing tables too; only these mean "busy".
_SQLITE_TRANSIENT = ("database is locked", "unable to open database", "disk i/o error")
_WRITES = ("INSERT", "UPDATE", "DELETE")


def is_database_outage(exc: BaseException | None) -> bool:
    """Return whether ``exc`` means the database cannot be reached or is busy now.

    PostgreSQL: every ``OperationalError`` (refused, reset, timed out, shutting down,
    cancelled) and ``InterfaceError`` (connection already closed). SQLite: a locked or
    unreadable file only, since a missing table is a bug, not an outage.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).lower().startswith(_SQLITE_TRANSIENT)
    return True


class DatabaseWriteTrackingMiddleware:
    """Set ``request.cop_database_wrote`` once a writing statement has succeeded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.cop_database_wrote = False  # type: ignore[attr-defined]

        def track(
            execute: Callable[..., Any],
            sql: str,
            params: Any,
            many: bool,
            context: dict[str, Any],
        ) -> Any:
            result = execute(sql, params, many, context)
            if not request.cop_database_wrote and sql.lstrip()[:6].upper() in _WRITES:  # type: ignore[attr-defined]
                request.cop_database_wrote = True  # type: ignore[attr-defined]
            return result

        with connections["default"].execute_wrapper(track):
            return self.get_response(request)


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """Return the 503 answer for ``request`` during a database outage (see module)."""
    is_write = request.method not in ("GET", "HEAD", "OPTIONS")
    wrote = bool(getattr(request, "cop_database_wrote", False))
    if not is_write:
        saved = ""
    elif wrote:
        saved = _(
            "What you sent may or may not have been saved: please check before "
            "sending it again."
        )
    else:
        saved = _("What you sent was not saved. Please send it again in a minute.")
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": _("The service is briefly unavailable; try again shortly.")},
            status=503,
        )
    else:
        html = loader.get_template("503.html").render(
            {"saved": saved, "is_write": is_write, "wrote": wrote}
        )
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 for a database outage, Django's 500 page for anything else."""
    exc = sys.exc_info()[1]
    if is_database_outage(exc):
        logger.warning("Database unavailable; answered 503 (%s)", type(exc).__name__)
        return database_unavailable_response(request)
    return defaults.server_error(request)

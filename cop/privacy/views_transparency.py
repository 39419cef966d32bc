"""The public transparency report on law-enforcement requests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cop.privacy.models import LegalRequest
from cop.privacy.transparency import legal_request_report


@require_safe
def transparency_report(request: HttpRequest) -> HttpResponse:
    """Show the counts of law-enforcement requests per half-year (public)."""
    report = legal_request_report()
    context = {
        "report": report,
        "any_request": any(half.total for half in report),
        "outcomes": [str(c.label) for c in LegalRequest.Outcome],
        "kinds": [str(c.label) for c in LegalRequest.Kind],
        "notices": [str(c.label) for c in LegalRequest.Notice],
    }
    return render(request, "privacy/transparency_report.html", context)

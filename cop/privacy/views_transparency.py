"""The public transparency report on law-enforcement requests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cop.privacy import own_disclosure
from cop.privacy.aggregates import privacy_k
from cop.privacy.models import Criterion, LegalRequest
from cop.privacy.transparency import legal_request_report


@require_safe
def transparency_report(request: HttpRequest) -> HttpResponse:
    """Show the counts of law-enforcement requests per half-year (public)."""
    report = legal_request_report()
    # Three tables of the same shape: a half-year per row, one count per column.
    tables = [
        {
            "title": _("Requests and outcomes"),
            "columns": [_("Requests"), *(c.label for c in LegalRequest.Outcome)],
            "rows": [
                (half.label, [half.total, *(n for _l, n in half.by_outcome)])
                for half in report
            ],
        },
        {
            "title": _("What was asked"),
            "columns": [c.label for c in LegalRequest.Kind],
            "rows": [(half.label, [n for _l, n in half.by_kind]) for half in report],
        },
        {
            "title": _("Were the members told?"),
            "columns": [c.label for c in LegalRequest.Notice],
            "rows": [(half.label, [n for _l, n in half.by_notice]) for half in report],
        },
    ]
    context = {
        "tables": tables,
        "any_request": any(half.received for half in report),
        "k": privacy_k(),
    }
    return render(request, "privacy/transparency_report.html", context)


@require_safe
def own_disclosure_proofs(request: HttpRequest) -> HttpResponse:
    """List what proves each answer of the cop platform's own disclosure (public)."""
    titles = dict(
        Criterion.objects.filter(code__in=own_disclosure.PROOFS).values_list(
            "code", "title"
        )
    )
    entries = [
        {
            "code": code,
            "anchor": code.lower(),
            "title": titles.get(code, ""),
            "proofs": [
                {
                    "proof": proof,
                    "value": own_disclosure.setting_value(proof.target)
                    if proof.kind == own_disclosure.SETTING
                    else None,
                }
                for proof in proofs
            ],
        }
        for code, proofs in own_disclosure.PROOFS.items()
    ]
    return render(request, "privacy/own_disclosure_proofs.html", {"entries": entries})

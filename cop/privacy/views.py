"""Public pages of the privacy reference data: criteria, frameworks and red flags.

Everything here is public and read-only; the reference data is owned by the files in
``cop/privacy/data/``. Retired rows are not listed, but a retired criterion's page
stays reachable (published answers may still point at it) and says so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cop.privacy import selectors
from cop.privacy.hooks import links_for_criterion
from cop.privacy.models import (
    Criterion,
    Domain,
    FrameworkItem,
    Module,
    RedFlag,
)


def _domains() -> list[Domain]:
    return list(Domain.objects.current().order_by("order", "code"))


def _modules() -> list[Module]:
    return list(Module.objects.current().order_by("order", "code"))


def _choice(
    request: HttpRequest, name: str, allowed: set[str], label: str
) -> str | None:
    """Return the query parameter ``name`` when valid; note and drop a bad value."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        messages.warning(
            request,
            _("Unknown %(label)s “%(value)s” ignored: showing all.")
            % {"label": label, "value": value[:40]},
        )
        return None
    return value


@require_safe
def criterion_list(request: HttpRequest) -> HttpResponse:
    """List the current criteria grouped by domain; filter by ``domain``/``module``."""
    domains, modules = _domains(), _modules()
    domain = _choice(request, "domain", {d.code for d in domains}, _("domain"))
    module = _choice(request, "module", {m.code for m in modules}, _("module"))
    criteria: QuerySet[Criterion] = selectors.criteria_for_modules(
        modules=[m.code for m in modules]
    )
    if domain:
        criteria = criteria.filter(domain__code=domain)
    if module:
        criteria = criteria.filter(module__code=module)
    groups: dict[str, dict[str, Any]] = {}
    for criterion in criteria:
        group = groups.setdefault(
            criterion.domain.code, {"domain": criterion.domain, "criteria": []}
        )
        group["criteria"].append(criterion)
    return render(
        request,
        "privacy/criterion_list.html",
        {
            "groups": list(groups.values()),
            "domains": domains,
            "modules": modules,
            "domain": domain or "",
            "module": module or "",
            "criterion_count": sum(len(g["criteria"]) for g in groups.values()),
        },
    )


@require_safe
def criterion_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show one criterion: meaning, scale in rank order, sources and red flags."""
    criterion = selectors.criterion_get(code=code)
    if criterion is None:
        raise Http404
    derived = (
        criterion.derived_items.select_related("framework")
        .order_by("framework__order", "order", "code")
        .all()
    )
    red_flags = (
        criterion.red_flags.filter(retired_at__isnull=True)
        .select_related("severity")
        .order_by("order", "code")
    )
    return render(
        request,
        "privacy/criterion_detail.html",
        {
            "criterion": criterion,
            "options": list(criterion.options.all()),
            "rows": (criterion.scale or {}).get("rows", []),
            "fields": (criterion.scale or {}).get("fields", []),
            "derived_items": list(derived),
            "red_flags": list(red_flags),
            "guides": links_for_criterion(code=criterion.code),
        },
    )


@require_safe
def framework_list(request: HttpRequest) -> HttpResponse:
    """List the current frameworks the criteria derive from."""
    return render(
        request,
        "privacy/framework_list.html",
        {"frameworks": list(selectors.framework_list())},
    )


@require_safe
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show one framework's items, each with the criteria derived from it."""
    items = FrameworkItem.objects.current().order_by("order", "code")
    framework = (
        selectors.framework_list()
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=items.prefetch_related(
                    Prefetch(
                        "criteria",
                        queryset=Criterion.objects.current().order_by("code"),
                    )
                ),
            ),
        )
        .filter(code=code)
        .first()
    )
    if framework is None:
        raise Http404
    return render(
        request,
        "privacy/framework_detail.html",
        {"framework": framework, "items": list(framework.items.all())},
    )


@require_safe
def red_flag_list(request: HttpRequest) -> HttpResponse:
    """List the current red flags, most serious first within file order."""
    return render(
        request,
        "privacy/red_flag_list.html",
        {"red_flags": list(selectors.red_flag_list())},
    )


@require_safe
def red_flag_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show one red flag: what to look for, what is better, related criteria."""
    red_flag: RedFlag | None = selectors.red_flag_list().filter(code=code).first()
    if red_flag is None:
        raise Http404
    return render(request, "privacy/red_flag_detail.html", {"red_flag": red_flag})

"""Reads of the privacy reference data: criteria, red flags and frameworks.

The reference data is public, so these selectors take no viewer. Retired rows
(vanished from the files) are left out; answers that point at them fetch them
directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from cop.privacy.models import (
    CORE_MODULE,
    Criterion,
    CriterionOption,
    DataExport,
    Framework,
    FrameworkItem,
    RedFlag,
)


def _criteria() -> QuerySet[Criterion]:
    current_options = CriterionOption.objects.current().order_by("rank", "key")
    return (
        Criterion.objects.current()
        .select_related("domain", "module")
        .prefetch_related(Prefetch("options", queryset=current_options))
        .order_by("domain__order", "code")
    )


def criteria_for_modules(*, modules: Iterable[str] = ()) -> QuerySet[Criterion]:
    """Return the current criteria of ``core`` plus the given module codes.

    Ordered by domain order, then code; domain and module are joined and the
    current options prefetched in rank order (two queries in all).
    """
    codes = {CORE_MODULE, *modules}
    return _criteria().filter(module__code__in=codes)


def criteria_for_module(*, module: str | None = None) -> QuerySet[Criterion]:
    """Return the current criteria of ``core`` plus ``module`` (when given)."""
    return criteria_for_modules(modules=[module] if module else [])


def criterion_get(*, code: str) -> Criterion | None:
    """Return the criterion ``code`` (retired ones included) with its options, or None.

    Retired criteria stay reachable here because existing answers point at them.
    """
    return (
        Criterion.objects.select_related("domain", "module")
        .prefetch_related(
            Prefetch(
                "options", queryset=CriterionOption.objects.order_by("rank", "key")
            ),
            "derived_items",
        )
        .filter(code=code)
        .first()
    )


def red_flag_list() -> QuerySet[RedFlag]:
    """Return the current red flags in file order, with severity and related criteria."""
    return (
        RedFlag.objects.current()
        .select_related("severity")
        .prefetch_related(
            Prefetch(
                "related_criteria",
                queryset=Criterion.objects.current().order_by("code"),
            )
        )
        .order_by("order", "code")
    )


def framework_list() -> QuerySet[Framework]:
    """Return the current frameworks in file order, each with its current items."""
    return (
        Framework.objects.current()
        .prefetch_related(
            Prefetch(
                "items",
                queryset=FrameworkItem.objects.current().order_by("order", "code"),
            )
        )
        .order_by("order", "code")
    )


# ------------------------------------------------------------ the member's data exports


@dataclass(frozen=True)
class DataExportRow:
    """One of the member's exports as the export page shows it."""

    export: DataExport
    download_url: str
    expires_at: datetime | None


def data_export_list(*, user: Any, limit: int = 5) -> list[DataExportRow]:
    """Return ``user``'s latest exports; a download link only while it is offered."""
    from cop.privacy.services.export import (
        data_export_expires_at,
        data_export_signed_token,
    )

    now = timezone.now()
    result = []
    for item in DataExport.objects.filter(user_id=user.pk)[:limit]:
        expires = data_export_expires_at(item)
        url = ""
        if item.state == DataExport.State.READY and expires and expires > now:
            url = reverse(
                "data_export_download",
                kwargs={"signed": data_export_signed_token(export=item)},
            )
        result.append(DataExportRow(export=item, download_url=url, expires_at=expires))
    return result

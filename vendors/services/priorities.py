"""Writes of libraries' priorities and roadmap support ("we need this").

Every write speaks for a library organisation (one voice per library, however many of
its workers act) and is made by one of its verified workers. No audit entry names the
worker: the audit log is readable by moderators, and nobody may learn who voted. The
product pages and the community page are renewed after commit (``vendors.cache``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.core import pagecache
from cop.members.models import Organisation
from cop.privacy.aggregates import Quarter
from cop.privacy.models import Criterion
from cop.privacy.selectors import criteria_for_modules
from vendors import cache, permissions
from vendors.models import (
    MAX_PRIORITIES,
    PRODUCT_TYPE_CRITERION_MODULES,
    Priority,
    Product,
    RoadmapItem,
    RoadmapSupport,
)

#: Version of the pages built from every priority (the community page, dashboards).
PRIORITIES_SCOPE = "vendors:priorities"


def criteria_for_scope(
    *, product: Product | None = None, product_type: str = ""
) -> list[Criterion]:
    """Return the current criteria a library may choose for ``product`` or the type."""
    kind = product.product_type if product is not None else product_type
    module = PRODUCT_TYPE_CRITERION_MODULES.get(kind)
    return list(criteria_for_modules(modules=[module] if module else []))


def _check_scope(product: Product | None, product_type: str) -> None:
    if (product is None) == (not product_type):
        raise ValidationError(_("Choose a product or a product type."))
    if product_type and product_type not in Product.ProductType.values:
        raise ValidationError({"product_type": [_("Unknown product type.")]})


def _require_worker(actor: Any, organisation: Organisation) -> None:
    allowed = {o.pk for o in permissions.priority_organisations(actor)}
    if organisation.pk not in allowed:
        raise PermissionDenied


def _renew_pages(product: Product | None, product_type: str) -> None:
    """Invalidate the pages showing the changed counts, once the change is committed."""
    if product is not None:
        product_ids = [product.pk]
    else:
        product_ids = list(
            Product.objects.filter(product_type=product_type).values_list(
                "pk", flat=True
            )
        )
    # Both bump after commit (never on a rollback).
    pagecache.scopes_bump([PRIORITIES_SCOPE])
    cache.product_changed(*product_ids)


@transaction.atomic
def priorities_set(
    *,
    actor: Any,
    organisation: Organisation,
    criteria: Sequence[Criterion],
    product: Product | None = None,
    product_type: str = "",
) -> list[Priority]:
    """Make ``criteria`` the library's priorities for ``product`` (or ``product_type``).

    Replaces the library's previous list for that product or type: criteria left out
    are withdrawn, new ones are added in the current quarter, kept ones are left as
    they were. At most :data:`MAX_PRIORITIES`, each applicable to the product or
    type. Only a verified worker of ``organisation`` may call it; an empty list
    withdraws everything. Idempotent.
    """
    _check_scope(product, product_type)
    _require_worker(actor, organisation)
    chosen = {c.pk: c for c in criteria}
    if len(chosen) > MAX_PRIORITIES:
        raise ValidationError(
            {
                "criteria": [
                    _("Choose at most %(max)s priorities.") % {"max": MAX_PRIORITIES}
                ]
            }
        )
    allowed = {
        c.pk for c in criteria_for_scope(product=product, product_type=product_type)
    }
    if not set(chosen) <= allowed:
        raise ValidationError(
            {"criteria": [_("A criterion does not apply to this product type.")]}
        )
    existing = Priority.objects.select_for_update().filter(
        organisation=organisation, product=product, product_type=product_type
    )
    kept = set(
        existing.filter(criterion_id__in=chosen).values_list("criterion_id", flat=True)
    )
    existing.exclude(criterion_id__in=chosen).delete()
    quarter = str(Quarter.of(timezone.localdate()))
    Priority.objects.bulk_create(
        [
            Priority(
                organisation=organisation,
                product=product,
                product_type=product_type,
                criterion_id=pk,
                set_by=actor,
                quarter=quarter,
            )
            for pk in sorted(set(chosen) - kept)
        ],
        ignore_conflicts=True,  # a colleague saving the same list at the same time
    )
    _renew_pages(product, product_type)
    return list(
        Priority.objects.filter(
            organisation=organisation, product=product, product_type=product_type
        ).select_related("criterion")
    )


def priorities_withdraw(
    *,
    actor: Any,
    organisation: Organisation,
    product: Product | None = None,
    product_type: str = "",
) -> None:
    """Withdraw every priority of the library for ``product`` (or ``product_type``)."""
    priorities_set(
        actor=actor,
        organisation=organisation,
        criteria=[],
        product=product,
        product_type=product_type,
    )


@transaction.atomic
def roadmap_support_replace(
    *, actor: Any, organisation: Organisation, product: Product, item_ids: Sequence[int]
) -> set[int]:
    """Make ``item_ids`` the roadmap items of ``product`` the library needs.

    Items of other products in ``item_ids`` are refused. Only a verified worker of
    ``organisation``. Idempotent; returns the IDs now supported.
    """
    _require_worker(actor, organisation)
    items = set(product.roadmap_items.values_list("pk", flat=True))
    wanted = set(item_ids)
    if not wanted <= items:
        raise ValidationError({"roadmap": [_("Unknown roadmap item.")]})
    current = RoadmapSupport.objects.filter(
        organisation=organisation, item__product=product
    )
    current.exclude(item_id__in=wanted).delete()
    have = set(current.values_list("item_id", flat=True))
    quarter = str(Quarter.of(timezone.localdate()))
    RoadmapSupport.objects.bulk_create(
        [
            RoadmapSupport(
                organisation=organisation, item_id=pk, set_by=actor, quarter=quarter
            )
            for pk in sorted(wanted - have)
        ],
        ignore_conflicts=True,
    )
    _renew_pages(product, "")
    return wanted


@transaction.atomic
def roadmap_support_set(
    *, actor: Any, organisation: Organisation, item: RoadmapItem, supported: bool
) -> bool:
    """Say (or take back) that the library needs roadmap ``item``; return the new state.

    Only a verified worker of ``organisation``; one voice per library and item.
    Idempotent.
    """
    _require_worker(actor, organisation)
    if supported:
        RoadmapSupport.objects.get_or_create(
            organisation=organisation,
            item=item,
            defaults={
                "set_by": actor,
                "quarter": str(Quarter.of(timezone.localdate())),
            },
        )
    else:
        RoadmapSupport.objects.filter(organisation=organisation, item=item).delete()
    _renew_pages(item.product, "")
    return supported

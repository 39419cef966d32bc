"""Writes of roadmap items: creation, edits and dated status changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.core.services import audit_record
from cop.members.permissions import require
from vendors import permissions
from vendors.models import Product, RoadmapItem, RoadmapStatus, RoadmapStatusChange
from vendors.services.snapshots import applicable_criteria

#: Fields a representative may set directly (``status`` only through the service below).
EDITABLE_FIELDS = (
    "title",
    "description",
    "target_quarter",
    "target_date",
    "known_limitations",
    "feedback_wanted",
)


def _set_criteria(item: RoadmapItem, criteria: Iterable[Any] | None) -> None:
    """Link ``criteria`` (Criterion objects or codes) that apply to the item's product."""
    if criteria is None:
        return
    allowed = {c.code: c for c in applicable_criteria(product=item.product)}
    codes = [getattr(c, "code", c) for c in criteria]
    if any(code not in allowed for code in codes):
        raise ValidationError(
            {"criteria": [_("A criterion does not apply to this product.")]}
        )
    item.criteria.set([allowed[code] for code in codes])


def _full_clean(item: RoadmapItem) -> None:
    item.full_clean(exclude=["product"])


@transaction.atomic
def roadmap_item_create(
    *,
    product: Product,
    actor: Any,
    criteria: Iterable[Any] | None = None,
    status: str = RoadmapStatus.PLANNED,
    note: str = "",
    at: dt.datetime | None = None,
    **fields: Any,
) -> RoadmapItem:
    """Create a roadmap item for ``product`` and record its first status.

    Only the product's editors. ``criteria`` are Criterion objects (applicable to the
    product). ``at`` records an item that was announced earlier (seeded or imported
    history; not in the future). Raises ``ValidationError`` on bad fields; nothing is
    saved then.
    """
    require(permissions.can_manage_roadmap(actor, product))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    at = _checked_time(at, after=None)
    item = RoadmapItem(product=product, status=status, status_changed_at=at, **fields)
    _full_clean(item)
    item.save()
    _set_criteria(item, criteria)
    RoadmapStatusChange.objects.create(
        item=item,
        from_status="",
        to_status=status,
        changed_at=item.status_changed_at,
        changed_by=actor,
        note=note,
    )
    audit_record(
        actor=actor,
        action="vendors.roadmap.create",
        target=item,
        extra={"product_id": product.pk, "status": status},
    )
    return item


@transaction.atomic
def roadmap_item_update(
    *,
    item: RoadmapItem,
    actor: Any,
    criteria: Iterable[Any] | None = None,
    **fields: Any,
) -> RoadmapItem:
    """Change a roadmap item's descriptive fields (not its status). Product editors only."""
    require(permissions.can_manage_roadmap(actor, item.product))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(item, name, value)
    _full_clean(item)
    item.save(update_fields=[*fields, "updated_at"])
    _set_criteria(item, criteria)
    return item


def _checked_time(at: dt.datetime | None, *, after: dt.datetime | None) -> dt.datetime:
    """Return ``at`` (default now) if it lies between ``after`` and now."""
    now = timezone.now()
    if at is None:
        return now
    if at > now or (after is not None and at < after):
        raise ValidationError(
            {"at": [_("A recorded change must lie between the last one and now.")]}
        )
    return at


@transaction.atomic
def roadmap_item_change_status(
    *,
    item: RoadmapItem,
    actor: Any,
    status: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> RoadmapStatusChange | None:
    """Move ``item`` to ``status``, keeping a dated history row and an audit entry.

    Product editors only. Returns None (and writes nothing) when the status is
    unchanged. ``at`` records a change made earlier (seeded or imported history): it
    may not lie in the future nor before the item's last change. A move to
    ``shipped`` makes the linked answers show up in
    ``selectors.roadmap_needs_update`` until they are re-dated.
    """
    require(permissions.can_manage_roadmap(actor, item.product))
    if status not in RoadmapStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.status == status:
        return None
    now = _checked_time(at, after=item.status_changed_at)
    change = RoadmapStatusChange.objects.create(
        item=item,
        from_status=item.status,
        to_status=status,
        changed_at=now,
        changed_by=actor,
        note=note[:1000],
    )
    item.status = status
    item.status_changed_at = now
    item.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="vendors.roadmap.status_change",
        target=item,
        reason=note[:1000],
        extra={
            "product_id": item.product_id,
            "from": change.from_status,
            "to": status,
        },
    )
    return change

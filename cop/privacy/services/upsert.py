"""Generic upsert-by-stable-key helpers behind the reference-data loader.

Each helper compares before it writes, so that loading unchanged files writes
nothing (no row saved, ``updated_at`` untouched), and never deletes a row.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q


class ReferenceDataError(Exception):
    """The reference-data files have problems; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s) in the privacy reference data; nothing loaded:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass
class KindCounts:
    """What one load did to the rows of one kind."""

    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What :func:`reference_data_load` did, per kind of row, in load order."""

    kinds: dict[str, KindCounts] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        """Return whether the load wrote anything at all."""
        return any(c.created or c.updated or c.retired for c in self.kinds.values())

    def lines(self) -> list[str]:
        """Return one human-readable line per kind."""
        width = max((len(kind) for kind in self.kinds), default=0)
        return [
            f"{kind:<{width}}  created {c.created}, updated {c.updated}, "
            f"retired {c.retired}, unchanged {c.unchanged}"
            for kind, c in self.kinds.items()
        ]


@dataclass
class SyncResult:
    """Rows of one kind after a sync: model instances by stable key."""

    rows: dict[Any, Any]
    counts: KindCounts
    touched: set[Any]  # keys written by this load (created, updated or retired)


def jsonable(value: Any) -> Any:
    """Return ``value`` as it reads back from a JSON column (dates become strings)."""
    return json.loads(json.dumps(value, default=str))


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def length_problems(
    model: type[models.Model], key: Any, values: dict[str, Any]
) -> list[str]:
    """Report values longer than their column accepts (PostgreSQL would refuse them)."""
    problems = []
    for name, value in values.items():
        max_length = getattr(model._meta.get_field(name), "max_length", None)
        if max_length and isinstance(value, str) and len(value) > max_length:
            problems.append(
                f"{key}: {name} is {len(value)} characters long, at most {max_length} fit"
            )
    return problems


def sync_rows(
    model: type[models.Model],
    *,
    existing: Iterable[Any],
    key_of: Any,
    desired: dict[Any, dict[str, Any]],
    now: datetime,
) -> SyncResult:
    """Upsert ``desired`` rows (key -> field values) and retire the missing ones.

    Only rows whose values differ are written, and only their changed columns plus
    ``updated_at``, so that a second run with the same files writes nothing.
    """
    rows = {key_of(obj): obj for obj in existing}
    counts = KindCounts()
    touched: set[Any] = set()
    new: dict[Any, models.Model] = {}
    for key, values in desired.items():
        obj = rows.get(key)
        if obj is None:
            new[key] = model(**values)
            continue
        changed = [
            name for name, value in values.items() if getattr(obj, name) != value
        ]
        if obj.retired_at is not None:
            changed.append("retired_at")
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values.get(name))  # retired_at is not in values: None
        obj.save(update_fields=[*changed, "updated_at"])
        counts.updated += 1
        touched.add(key)
    for key, obj in rows.items():
        if key not in desired and obj.retired_at is None:
            obj.retired_at = now
            obj.save(update_fields=["retired_at", "updated_at"])
            counts.retired += 1
            touched.add(key)
    # One INSERT per kind; PostgreSQL and SQLite >= 3.35 return the new primary keys.
    model._default_manager.bulk_create(new.values())
    rows.update(new)
    counts.created = len(new)
    touched.update(new)
    return SyncResult(rows=rows, counts=counts, touched=touched)


def sync_links(
    result: SyncResult,
    *,
    model: type[models.Model],
    relation: str,
    desired: dict[Any, set[int]],
) -> None:
    """Make each row's many-to-many ``relation`` hold exactly ``desired[key]``.

    A row whose links change counts as updated and gets a new ``updated_at``.
    Writes the link table directly (two statements at most), so ``m2m_changed``
    is not sent.
    """
    m2m = model._meta.get_field(relation)
    through = m2m.remote_field.through  # type: ignore[union-attr]
    src, dst = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()  # type: ignore[union-attr]
    current: dict[int, set[int]] = defaultdict(set)
    for row_id, target_id in through.objects.values_list(f"{src}_id", f"{dst}_id"):
        current[row_id].add(target_id)
    added, removed = [], Q(pk__in=[])
    for key, target_ids in desired.items():
        obj = result.rows[key]
        if current[obj.pk] == target_ids:
            continue
        added += [
            through(**{f"{src}_id": obj.pk, f"{dst}_id": target_id})
            for target_id in sorted(target_ids - current[obj.pk])
        ]
        removed |= Q(
            **{f"{src}_id": obj.pk, f"{dst}_id__in": current[obj.pk] - target_ids}
        )
        if key not in result.touched:
            obj.save(update_fields=["updated_at"])
            result.counts.unchanged -= 1
            result.counts.updated += 1
            result.touched.add(key)
    through.objects.filter(removed).delete()
    through.objects.bulk_create(added)


def sync_parents(result: SyncResult, *, desired: dict[str, str | None]) -> None:
    """Point each framework item at its parent once every item exists."""
    for key, parent_key in desired.items():
        obj = result.rows[key]
        parent_id = result.rows[parent_key].pk if parent_key else None
        if obj.parent_id == parent_id:
            continue
        obj.parent_id = parent_id
        obj.save(update_fields=["parent_id", "updated_at"])
        if key not in result.touched:
            result.counts.unchanged -= 1
            result.counts.updated += 1
            result.touched.add(key)

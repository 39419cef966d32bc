"""Extension points of the privacy app: other apps register their parts here.

**Member data** (export and erasure).

``cop.privacy`` never imports ``vendors`` or ``discussions``. Each app registers one
:class:`DataPart` in its ``AppConfig.ready()``::

    member_data.register("discussions", DataPart(export=..., erase=..., ...))

A part names the models it covers (``exports`` and ``erases``, as ``app_label.Model``),
so a test can check that every model pointing at the user is covered by one or the
other. ``erase`` runs inside the erasure's transaction, before the user row is
deleted; models it leaves alone are handled by their foreign key's ``on_delete``
(``CASCADE`` removes the row, ``SET_NULL`` keeps it without the person).

**Criterion links** (the criterion pages link content about a criterion).

``cop.guides`` registers the guides that refer to a criterion, in its
``AppConfig.ready()``::

    from cop.privacy.hooks import criterion_links

    criterion_links.register("guides", guides_for_criterion)

A provider takes the criterion's code and returns ``(title, url)`` pairs of public
content, running a constant number of queries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from cop.core.registry import Registry

#: ``export(user)`` returns ``{file name without ".json": JSON-serialisable data}``.
Exporter = Callable[[Any], Mapping[str, Any]]
#: ``erase(user=..., keep_posts=...)`` removes or anonymises the app's rows.
Eraser = Callable[..., None]


def _no_erase(*, user: Any, keep_posts: bool) -> None:
    """Leave the rows to their foreign keys' ``on_delete``."""


@dataclass(frozen=True)
class DataPart:
    """One app's share of a member's data."""

    export: Exporter
    erase: Eraser = _no_erase
    exports: tuple[str, ...] = ()
    erases: tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)


member_data: Registry[Any] = Registry("member_data")


def covered_models() -> tuple[set[str], set[str]]:
    """Return the model labels covered by export and by erasure, over every part."""
    exported: set[str] = set()
    erased: set[str] = set()
    for _key, part in member_data:
        exported.update(part.exports)
        erased.update(part.erases)
    return exported, erased


def rows(queryset: QuerySet[Any], fields: Iterable[str]) -> list[dict[str, Any]]:
    """Return ``queryset``'s ``fields`` as JSON-ready dicts (dates as ISO strings)."""
    data = list(queryset.values(*fields))
    loaded: list[dict[str, Any]] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    return loaded


#: ``purge(cutoff=..., limit=...)`` deletes up to ``limit`` records older than
#: ``cutoff`` and returns how many it deleted.
Purger = Callable[..., int]

#: One purger per key of ``settings.COP_RETENTION_DAYS``, registered by the app that
#: owns the records (the nightly retention job runs them in batches).
retention_purgers: Registry[Any] = Registry("retention_purgers")


def oldest_pks(queryset: QuerySet[Any], limit: int) -> list[Any]:
    """Return up to ``limit`` primary keys of ``queryset``, oldest first."""
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:limit])


#: Providers ``(*, code: str) -> list[tuple[str, str]]``.
criterion_links: Registry[Any] = Registry("criterion_links")


def links_for_criterion(*, code: str) -> list[tuple[str, str]]:
    """Return every provider's links for the criterion ``code``."""
    links: list[tuple[str, str]] = []
    for _key, provider in criterion_links:
        links.extend(provider(code=code))
    return links

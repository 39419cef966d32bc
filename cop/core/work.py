""" "Work waiting": what moderators have to do, gathered from every app.

Each app registers a source in ``AppConfig.ready()``; a source takes the viewer and
returns a :class:`WorkItem` (or None when the viewer has nothing to do there). The
Wagtail dashboard shows them in one panel (``cop.core.wagtail_hooks``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cop.core.registry import Registry


@dataclass(frozen=True)
class WorkItem:
    """A kind of waiting work: how many, where the list is, and the first few items."""

    label: str
    count: int
    url: str
    links: list[tuple[str, str]] = field(default_factory=list)


WorkSource = Callable[[Any], WorkItem | None]
work_sources: Registry[WorkSource] = Registry("work waiting")


def work_waiting(*, viewer: Any) -> list[WorkItem]:
    """Return every registered source's work for ``viewer`` (empty kinds included).

    A source returns None when the viewer may not do that kind of work at all.
    """
    items = (source(viewer) for _key, source in work_sources)
    return [item for item in items if item is not None]

"""Small registries that let site-wide features reach every app without importing it.

A site-wide app (``cop.*``) never imports ``vendors`` or ``discussions``. Where a
site-wide feature needs every app's part (demo content, a member's data export or
erasure, the digest), the feature owns a :class:`Registry` and each app registers its
part in ``AppConfig.ready()``, the way Wagtail hooks work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


@dataclass
class Registry(Generic[F]):
    """An ordered set of named callables; ``order`` sorts them (lower runs first)."""

    name: str
    _entries: dict[str, tuple[int, F]] = field(default_factory=dict)

    def register(self, key: str, func: F, *, order: int = 100) -> F:
        """Add ``func`` under ``key``; registering the same key again replaces it."""
        self._entries[key] = (order, func)
        return func

    def __iter__(self) -> Iterator[tuple[str, F]]:
        for key, (_, func) in sorted(
            self._entries.items(), key=lambda item: (item[1][0], item[0])
        ):
            yield key, func

    def __len__(self) -> int:
        return len(self._entries)

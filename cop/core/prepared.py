"""Querysets compiled to SQL once per process, then run with new parameter values.

The pages every signed-in member opens run the same few queries with different IDs.
Building such a queryset (``filter``, ``select_related``, ``annotate``) and compiling it
to SQL costs Django more than the database takes to answer it: about a millisecond
for a user row with its role sub-queries, against a fifth of that in PostgreSQL. A
:class:`PreparedQuery` builds the queryset once with placeholder values, keeps the
compiler, the SQL and where the placeholders sit in the parameters, and afterwards
only substitutes the values and reads the rows, the way Django's own model iterable
does (converters, ``select_related`` objects and annotations included).

Only for fixed-shape queries: every run must produce the same SQL, so a value that
changes the SQL (a list for ``__in``, ``None`` for ``isnull``) cannot be a slot.
``prefetch_related`` is not supported. A test runs each prepared query of the project
against its plain queryset and compares the objects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

__all__ = ["PreparedQuery"]


@dataclass(frozen=True)
class _Compiled:
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, tuple[int, ...]]


class PreparedQuery:
    """A queryset shape compiled once per database alias (see the module docstring).

    ``build(**values)`` returns the queryset; ``slots`` maps each keyword to a
    placeholder value that appears nowhere else in the query's parameters. An integer
    placeholder must be valid for its column (Django answers "no rows" at compile
    time for a negative value on a positive field): large positive numbers below
    2**31 work everywhere. Integers outside 0..2**31-1 at run time go through the
    ORM instead, which knows each column's range.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], **slots: Any) -> None:
        self._build = build
        self._placeholders = slots
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def queryset(self, **values: Any) -> QuerySet[Any]:
        """Return the plain queryset for ``values`` (what :meth:`all` must equal)."""
        return self._build(**values)

    def _compile(self, alias: str) -> _Compiled:
        connection = connections[alias]
        key = (alias, connection.vendor)
        compiled = self._compiled.get(key)
        if compiled is not None:
            return compiled
        queryset = self._build(**self._placeholders)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        slots: dict[str, tuple[int, ...]] = {}
        for name, placeholder in self._placeholders.items():
            positions = tuple(
                i for i, value in enumerate(params) if value == placeholder
            )
            if not positions:
                raise ValueError(
                    f"placeholder {name}={placeholder!r} is not in the SQL"
                )
            slots[name] = positions
        if len({i for positions in slots.values() for i in positions}) != sum(
            len(positions) for positions in slots.values()
        ):
            raise ValueError("two placeholders share a value")
        compiled = _Compiled(compiler, sql, params, slots)
        with self._lock:
            self._compiled[key] = compiled
        return compiled

    def all(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Iterator[Model]:
        """Yield the model instances the queryset for ``values`` would yield."""
        if set(values) != set(self._placeholders):
            raise TypeError(f"expected the values {sorted(self._placeholders)}")
        if not all(_fast(value) for value in values.values()):
            # A value outside every integer column's range: the ORM decides (it
            # answers "no rows" where the database would raise).
            yield from self._build(**values).using(using)
            return
        compiled = self._compile(using)
        params = list(compiled.params)
        for name, positions in compiled.slots.items():
            for i in positions:
                params[i] = values[name]
        compiler = compiled.compiler
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        yield from _instances(compiler, [rows], using)

    def first(self, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Model | None:
        """Return the first instance, or ``None`` (the queryset must be ordered or unique)."""
        return next(self.all(using, **values), None)


# Integers every integer column accepts (PostgreSQL's "integer" is 32 bits).
_INT_MAX = 2**31 - 1


def _fast(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        return True
    return 0 <= value <= _INT_MAX


def _instances(compiler: Any, results: Any, db: str) -> Iterator[Model]:
    """Build instances from rows as ``django.db.models.query.ModelIterable`` does."""
    select = compiler.select
    klass_info = compiler.klass_info
    annotation_col_map = compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    # django-stubs 6 describes Django 6's signature (with fetch_mode); 5.2 has three.
    related_populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
    for row in compiler.results_iter(results, tuple_expected=False):
        obj = model_cls.from_db(db, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, obj)
        for attr_name, col_pos in (annotation_col_map or {}).items():
            setattr(obj, attr_name, row[col_pos])
        yield obj

"""Small template parts rendered once per distinct input and kept by the process.

Some per-reader parts of a page (the "Related" links a reader may see with their
follow menu) are made from a handful of plain values, yet rendering their
templates costs more than finding the values. :func:`render_kept` renders such a
template once per distinct context and keeps the HTML in this process: the key is
the context itself (with the language and the URL prefix), so the HTML is a pure
function of it and can be neither stale nor someone else's. The CSRF token is
rendered as a random slot and replaced by the request's own token each time, as
:mod:`cop.core.header` does.

What a kept template may read: the values of ``context`` (strings, numbers, lazy
translations, and lists, tuples, dicts and frozen dataclasses of them; anything
else, e.g. a model instance whose other fields are not in the key, renders
uncached), ``csrf_token``, and ``request.get_full_path`` (the path is in the key).
Nothing else of the request reaches it. Off with ``DEBUG`` (templates edited while
the server runs).
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Hashable, Mapping
from typing import Any, Final

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

from cop.core.memo import KeptMemo

__all__ = ["render_kept"]

_MEMO_SIZE: Final = 2000


class _UnkeyableError(Exception):
    """A context value that cannot stand for itself in a key."""


def _frozen(value: Any) -> Hashable:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Promise):
        return str(value)  # the language is in the key
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value), *(_frozen(getattr(value, f.name)) for f in fields))
    raise _UnkeyableError(type(value).__name__)


class _PathOnly:
    """What a kept template sees of the request: its full path."""

    def __init__(self, full_path: str) -> None:
        self._full_path = full_path

    def get_full_path(self) -> str:
        return self._full_path


_memo: KeptMemo[Hashable, tuple[str, str]] = KeptMemo(_MEMO_SIZE)


def render_kept(
    template_name: str, context: Mapping[str, Any], request: HttpRequest
) -> SafeString:
    """Return ``template_name`` rendered with ``context`` (see the module docstring)."""
    full_path = request.get_full_path()
    try:
        key: Hashable = (
            template_name,
            translation.get_language(),
            get_script_prefix(),
            full_path,
            _frozen(context),
        )
    except _UnkeyableError:
        key = None
    found = _memo.get(key) if key is not None else None
    if found is None:
        slot = secrets.token_hex(16)
        rendered = render_to_string(
            template_name,
            {**context, "csrf_token": slot, "request": _PathOnly(full_path)},
        )
        found = (str(rendered), slot)
        if key is not None and not settings.DEBUG:
            _memo.put(key, found)
    html: str
    html, slot = found
    if slot in html:
        html = html.replace(slot, get_token(request))
    return mark_safe(html)  # noqa: S308 - a template's output, the token is URL-safe

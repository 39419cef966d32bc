"""The body of a topic list page, shared by every viewer of one viewer class.

The index ("Latest"), space and tag pages show the same topic rows, pagination,
filters and spaces to every member whom the permission rules give the same
reading rights (:func:`discussions.selectors.topics.topic_list_viewer_class`).
Their rendered body is cached per class under the versions the anonymous page
cache uses (:mod:`discussions.cache`: ``"site"``, bumped by every change to a
topic, post or space, and a member's new name) and the vendors' catalogue version
(product and vendor names in rows), with the language, time zone, URL prefix,
query string and a fingerprint of the templates and code. Per request, only the
reader's parts are filled in: unread markers (:data:`MARKER_SLOT`, at most one
query) and, on a space page, the follow control (:data:`FOLLOW_SLOT`, kept per
viewer in this process with the request's CSRF token).

Never another viewer's content, never stale:

- the topics that the rules list for their author alone (pending or embargoed)
  are part of the key: a member who wrote one has bodies of their own. Which
  ones they wrote is itself cached under the ``"site"`` version (a change to a
  topic bumps it);
- relative times ("3 hours ago") go out of date by themselves: a body is kept
  only until the first of them would read differently, and
  :data:`BODY_TIMEOUT` seconds at most (which bounds a lost version bump);
- when the cache fails, is down or answers from a per-process fallback, the body
  is rendered for the request, never a 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cop.core import pagecache
from cop.core.early_pages import code_fingerprint
from cop.core.memo import KeptMemo
from discussions import permissions
from discussions.cache import page_cache_enabled, version_key
from discussions.selectors import reading as reading_selectors
from discussions.selectors import topics as topic_selectors
from vendors.cache import CATALOGUE_SCOPE

from .topics import MARKER_SLOT, MARKER_SLOTS, read_marker_html

__all__ = [
    "FOLLOW_SLOT",
    "ListBody",
    "follow_control_html",
    "list_body_html",
    "list_body_render",
    "times_valid_until",
    "viewer_of",
]

logger = logging.getLogger(__name__)

#: Seconds a body lives at most (as the anonymous pages: bounds a lost version bump).
BODY_TIMEOUT: Final = 300
#: Longer query strings are rendered per request rather than cached.
_MAX_QUERY: Final = 256


def viewer_of(request: Any) -> Any:
    """Return the request's user itself, not its lazy wrapper (the rules read it often)."""
    user = request.user
    user.is_authenticated  # noqa: B018 - loads the lazy user
    return getattr(user, "_wrapped", user)


@dataclass(frozen=True)
class ListBody:
    """A rendered list body: HTML with a :data:`MARKER_SLOT` per row, and its rows.

    ``rows``: ``(topic ID, topic URL, last post number)`` of each slot, in order;
    ``valid_until``: when a relative time in it would first read differently, or
    :data:`BODY_TIMEOUT` after it was rendered, whichever comes first.
    """

    html: str
    rows: tuple[tuple[int, str, int], ...]
    valid_until: datetime | None


# Under four weeks a relative time shows its first non-zero unit (see
# discussions.fragments.common.TimeLabels); beyond, whole days at the finest.
_UNITS: Final = (604800, 86400, 3600, 60)
_SHORT_LIMIT: Final = 28 * 86400


def _label_changes_at(value: datetime, now: datetime) -> datetime:
    """Return when the relative time of ``value`` first reads differently after ``now``."""
    if value > now:
        return value  # "just now" until then
    delta = now - value
    since = delta.days * 86400 + delta.seconds
    if since >= _SHORT_LIMIT:
        # Months, weeks and days change at whole days after ``value``: the next
        # whole hour after it is never later than the next change.
        return value + timedelta(seconds=(since // 3600 + 1) * 3600)
    unit = 60
    for seconds in _UNITS:
        if since // seconds:
            unit = seconds
            break
    return value + timedelta(seconds=(since // unit + 1) * unit)


def times_valid_until(
    values: Iterable[datetime | None], now: datetime
) -> datetime | None:
    """Return when the first of the relative times of ``values`` reads differently."""
    changes = [_label_changes_at(value, now) for value in values if value is not None]
    return min(changes) if changes else None


def _fill_markers(body: ListBody, viewer: Any) -> SafeString:
    """Return the body's HTML with ``viewer``'s unread markers (at most one query)."""
    parts = body.html.split(MARKER_SLOT)
    if len(parts) == 1:
        return mark_safe(body.html)  # noqa: S308 - a rendered template
    states = reading_selectors.read_states_for(
        viewer=viewer, topic_ids=[row[0] for row in body.rows]
    )
    out = [parts[0]]
    for (topic_id, url, last_post_number), part in zip(
        body.rows, parts[1:], strict=True
    ):
        last_read = states.get(topic_id)
        if last_read is not None:
            marker = reading_selectors.read_marker_for(
                topic=_RowRef(url, last_post_number), last_read=last_read
            )
            out.append(read_marker_html(_Marked(marker)))
        out.append(part)
    return mark_safe("".join(out))  # noqa: S308 - rendered template and markers


@dataclass(frozen=True)
class _RowRef:
    """What :func:`read_marker_for` reads of a topic."""

    url: str
    last_post_number: int

    def get_absolute_url(self) -> str:
        return self.url


@dataclass(frozen=True)
class _Marked:
    read_marker: Any


def _context_parts(request: Any) -> list[str]:
    return [
        code_fingerprint(),
        translation.get_language() or "",
        str(timezone.get_current_timezone()),
        get_script_prefix(),
        request.get_host(),
        request.META.get("QUERY_STRING", ""),
    ]


def _fresh(body: ListBody) -> bool:
    return body.valid_until is None or timezone.now() < body.valid_until


def _own_unlisted(viewer: Any, site_version: str) -> str:
    """Return :func:`topic_own_unlisted_ids` as text, kept under the ``"site"`` version."""
    if not permissions.is_active_member(viewer):
        return ""
    # Renewed every BODY_TIMEOUT seconds too, as the bodies (a lost bump).
    period = str(int(time.time() // BODY_TIMEOUT))
    key = pagecache.content_key(
        code_fingerprint(), site_version, period, "own", str(viewer.pk)
    )
    stored = pagecache.stored_value(key)
    if stored is None:
        ids = topic_selectors.topic_own_unlisted_ids(viewer=viewer)
        stored = ",".join(str(pk) for pk in ids)
        pagecache.store_value(key, stored, BODY_TIMEOUT)
    return str(stored)


def _lookup(
    request: Any, viewer: Any, scopes: Sequence[str], parts: Sequence[str]
) -> tuple[str, ListBody | None]:
    """Return the key of the viewer class's body and the body kept under it, if fresh.

    Raises whatever the cache raises; the caller guards.
    """
    versions = pagecache.scope_versions(
        [CATALOGUE_SCOPE], extra_keys=[version_key(scope) for scope in scopes]
    )
    key = pagecache.content_key(
        *versions,
        *_context_parts(request),
        topic_selectors.topic_list_viewer_class(viewer=viewer),
        # The topics listed for this viewer alone, as authors: "" for most members.
        _own_unlisted(viewer, versions[1]),
        *parts,
    )
    stored = pagecache.stored_value(key)
    if isinstance(stored, ListBody) and _fresh(stored):
        return key, stored
    return key, None


def list_body_html(
    *,
    request: Any,
    viewer: Any,
    scopes: Sequence[str],
    parts: Sequence[str],
    build: Callable[[], ListBody],
    cached: bool = True,
) -> SafeString:
    """Return the list body ``build()`` renders, shared within ``viewer``'s class.

    ``scopes``: the discussion scopes the body shows (``"site"`` first);
    ``parts``: what else selects it (the page, its filters). ``build`` renders with
    ``topic_row``'s marker slots (:data:`MARKER_SLOTS`) and must show nothing
    personal beyond what the viewer class decides. Then fills in ``viewer``'s
    unread markers. ``cached=False``: rendered for this request only.
    """
    key = body = None
    if (
        cached
        and page_cache_enabled()
        and len(request.META.get("QUERY_STRING", "")) <= (_MAX_QUERY)
    ):
        try:
            key, body = _lookup(request, viewer, scopes, parts)
        except Exception:  # the cache is down: render for this request, never a 500
            logger.warning("discussion list cache unavailable", exc_info=True)
            key = None
    if body is None:
        body = build()
        if key is not None:
            try:
                pagecache.store_value(key, body, BODY_TIMEOUT)
            except Exception:
                logger.warning("discussion list cache unavailable", exc_info=True)
    return _fill_markers(body, viewer)


def list_body_render(
    template_name: str,
    context: dict[str, Any],
    *,
    request: Any,
    times: Iterable[datetime | None],
) -> ListBody:
    """Render ``template_name`` as a list body: rows with marker slots, and its lifetime.

    ``times``: every moment the body shows as a relative time (rows, spaces).
    """
    now = timezone.now()  # before rendering: a label rendered later is no older
    slots: list[tuple[int, str, int]] = []
    html = render_to_string(template_name, {**context, MARKER_SLOTS: slots}, request)
    # Kept BODY_TIMEOUT seconds at most, in this process's copy too (a lost bump).
    until = now + timedelta(seconds=BODY_TIMEOUT)
    labels_until = times_valid_until(times, now)
    if labels_until is not None:
        until = min(until, labels_until)
    return ListBody(str(html), tuple(slots), until)


_follow_controls: KeptMemo[tuple[Any, ...], str] = KeptMemo(2000)
#: Where a body shows the reader's follow control (filled in by the view).
FOLLOW_SLOT: Final = "\x01follow\x01"
#: Where the request's CSRF token goes in a kept follow control.
_CSRF_SLOT: Final = "\x00csrf\x00"


def follow_control_html(request: Any, viewer: Any, *, space: Any) -> SafeString:
    """Return ``follow_control.html`` for ``space`` as ``viewer`` sees it now.

    Kept in this process per viewer, with everything the include shows in the key
    (the viewer's level on the space, the page's path for the way back, language,
    URL prefix, the templates' fingerprint); the CSRF token is the request's.
    ``space`` must come from :func:`discussions.permissions.access_space` (its
    ``follow_level_of`` is the viewer's level, read with it).
    """
    signed_in = bool(viewer.is_authenticated)
    key = (
        code_fingerprint(),
        translation.get_language(),
        get_script_prefix(),
        viewer.pk if signed_in else None,
        getattr(space, "follow_level_of", None),
        space.pk,
        request.get_full_path(),
    )
    html = _follow_controls.get(key)
    if html is None:
        context = {"space": space, "topic": None, "viewer": viewer}
        html = str(
            render_to_string(
                "discussions/includes/follow_control.html",
                {**context, "csrf_token": _CSRF_SLOT},
                request,
            )
        )
        _follow_controls.put(key, html)
    if _CSRF_SLOT in html:
        html = html.replace(_CSRF_SLOT, escape(get_token(request)))
    return mark_safe(html)  # noqa: S308 - a rendered template and an escaped token

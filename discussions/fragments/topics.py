"""One row of a topic list rendered in Python (``{% topic_row topic %}``); runs no query."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cop.members.models import User

from .common import TimeLabels, member_name
from .posts import _ID_SLOT

_SLUG_SLOT = "zq0slotzq"
#: Context variable: a list to which ``topic_row`` appends ``(id, URL, last post
#: number)`` and writes :data:`MARKER_SLOT` instead of the reader's unread marker.
MARKER_SLOTS = "topic_row_marker_slots"
#: Where a row's marker goes (no text from the database holds a NUL character).
MARKER_SLOT = "\x00"
_ROW_STATE_KEY = "discussions_tags.topic_row"


class _TopicRowState:
    """What every row of one topic list shares: URL patterns, texts, now."""

    def __init__(self) -> None:
        self.time = TimeLabels(timezone.now())
        url = reverse(
            "discussions:topic", kwargs={"topic_id": _ID_SLOT, "slug": _SLUG_SLOT}
        )
        before, _slot, rest = url.partition(str(_ID_SLOT))
        middle, _slot, after = rest.partition(_SLUG_SLOT)
        self.topic_parts = (before, middle, after)
        self.tag_urls: dict[str, str] = {}
        self.product_urls: dict[int, str] = {}
        self.kinds: dict[str, str] = {}
        self.texts = {
            "pinned": escape(_("Pinned")),
            "answered": escape(_("Answered")),
            "duplicate": escape(_("Duplicate")),
            "locked": escape(_("Locked")),
            "pending": escape(_("Waiting for a moderator")),
            "embargoed": escape(_("In the vendor's response window")),
            "tags": escape(_("Tags")),
            "no_replies": escape(_("No replies yet")),
            "read": escape(_("Read")),
            "continue": escape(_(": continue where you left off")),
        }
        # Translated once per list, formatted per row.
        self.in_space = _("in %(name)s")
        self.last_by = _("Last post by %(name)s")
        self._replies: dict[int, str] = {}

    def replies_label(self, post_count: int) -> str:
        if post_count <= 1:
            return self.texts["no_replies"]
        replies = post_count - 1
        label = self._replies.get(replies)
        if label is None:
            label = self._replies[replies] = str(
                escape(
                    ngettext("%(counter)s reply", "%(counter)s replies", replies)
                    % {"counter": replies}
                )
            )
        return label

    def topic_url(self, topic: Any) -> str:
        before, middle, after = self.topic_parts
        return f"{before}{topic.pk}{middle}{topic.slug or '-'}{after}"

    def tag_url(self, tag: Any) -> str:
        url = self.tag_urls.get(tag.slug)
        if url is None:
            url = self.tag_urls[tag.slug] = str(escape(tag.get_absolute_url()))
        return url

    def product_url(self, product: Any) -> str:
        return self.product_url_of(product.pk, product.organisation.slug, product.slug)

    def product_url_of(self, pk: int, vendor_slug: str, product_slug: str) -> str:
        url = self.product_urls.get(pk)
        if url is None:
            url = reverse(
                "vendors:product_detail",
                kwargs={"vendor_slug": vendor_slug, "product_slug": product_slug},
            )
            url = self.product_urls[pk] = str(escape(url))
        return url

    def kind_label(self, topic: Any) -> str:
        label = self.kinds.get(topic.kind)
        if label is None:
            label = self.kinds[topic.kind] = str(escape(topic.get_kind_display()))
        return label


def read_marker_html(topic: Any, texts: Mapping[str, str] | None = None) -> str:
    """Return the unread marker of ``topic`` (as ``read_marker.html``; "" when unset)."""
    marker = getattr(topic, "read_marker", None)
    if not marker:
        return ""
    if marker.new_count:
        label = ngettext("%(counter)s new", "%(counter)s new", marker.new_count) % {
            "counter": marker.new_count
        }
        hint = (
            texts["continue"] if texts else escape(_(": continue where you left off"))
        )
        inner = (
            f'<a href="{escape(marker.continue_url)}">{escape(label)}'
            f'<span class="visually-hidden">{hint}</span></a>'
        )
    else:
        read = texts["read"] if texts else escape(_("Read"))
        inner = f'<span class="read-marker__done">{read}</span>'
    return f'<span class="read-marker">{inner}</span>'


def _tags(topic: Any) -> Any:
    tags = getattr(topic, "tag_list", None)
    if tags is None:
        # The prefetched tags as they are (``topic.tags.all()`` builds a manager).
        prefetched = getattr(topic, "_prefetched_objects_cache", {})
        tags = prefetched["tags"] if "tags" in prefetched else topic.tags.all()
    return tags


def _product(topic: Any) -> tuple[Any, ...] | None:
    if topic.product_id is None:
        return None
    if hasattr(topic, "row_product_name"):  # topic_list's plain columns
        return (
            topic.product_id,
            topic.row_vendor_slug,
            topic.row_product_slug,
            topic.row_product_name,
            topic.row_vendor_name,
        )
    product = topic.product
    organisation = product.organisation
    return (
        product.pk,
        organisation.slug,
        product.slug,
        product.name,
        organisation.name,
    )


def _poster(topic: Any) -> str:
    if hasattr(topic, "row_poster_name"):  # topic_list's plain column
        if topic.last_poster_id is None:
            return member_name(None)
        return User.public_name_of(topic.last_poster_id, topic.row_poster_name)
    return member_name(topic.last_poster)


class _RowMemo:
    """Rendered rows by everything they show (this process; see :func:`topic_row`)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rows: OrderedDict[tuple[Any, ...], tuple[str, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[str, str] | None:
        with self.lock:
            row = self.rows.get(key)
            if row is not None:
                self.rows.move_to_end(key)
            return row

    def put(self, key: tuple[Any, ...], row: tuple[str, str]) -> None:
        with self.lock:
            self.rows[key] = row
            while len(self.rows) > self.size:
                self.rows.popitem(last=False)


_memo = _RowMemo(4000)


def _row_key(state: _TopicRowState, topic: Any, show_space: bool) -> tuple[Any, ...]:
    """Everything a row shows but the reader's marker, so a row is never stale."""
    last = topic.last_activity_at
    return (
        translation.get_language(),
        get_script_prefix(),
        state.time.zone_name,
        show_space,
        topic.pk,
        topic.title,
        topic.slug,
        topic.kind,
        topic.pinned_at is not None,
        topic.accepted_answer_id is not None,
        topic.duplicate_of_id is not None,
        topic.locked_at is not None,
        topic.review_state,
        topic.is_embargoed,
        topic.space.name if show_space else "",
        _product(topic),
        tuple((tag.slug, tag.name) for tag in _tags(topic)),
        topic.post_count,
        _poster(topic),
        last,
        state.time.label(last) if last else "",
    )


def topic_row(
    context: template.Context, topic: Any, show_space: bool = False
) -> SafeString:
    """Render one topic of a list (``{% topic_row topic show_space=True %}``).

    Needs the ``topic_list`` selector's joins (space, author, last poster,
    product with vendor, prefetched tags); runs no query. A row is the same for
    every reader but for the unread marker, so this process keeps the rendered
    rows keyed on everything they show (language, time zone, the topic's fields,
    space, product, tags, replies, last poster, the relative time's words): a
    changed topic has a new key, never a stale row.
    """
    state = context.render_context.get(_ROW_STATE_KEY)
    if state is None:
        state = context.render_context[_ROW_STATE_KEY] = _TopicRowState()
    key = _row_key(state, topic, show_space)
    parts = _memo.get(key)
    if parts is None:
        parts = _row_parts(state, topic, show_space)
        _memo.put(key, parts)
    head, tail = parts
    slots = context.get(MARKER_SLOTS)
    if slots is not None:
        # A list shared by a viewer class: the reader's marker is filled per request.
        slots.append((topic.pk, state.topic_url(topic), topic.last_post_number))
        return mark_safe(head + MARKER_SLOT + tail)  # noqa: S308 - as below
    marker = read_marker_html(topic, state.texts)
    return mark_safe(head + marker + tail)  # noqa: S308 - every member text escaped


def _row_parts(state: _TopicRowState, topic: Any, show_space: bool) -> tuple[str, str]:
    """Render a row around the reader's marker: (up to the title, the rest)."""
    texts = state.texts
    pinned = " topic-row--pinned" if topic.pinned_at else ""
    head = (
        f'<li class="topic-row{pinned}"><h3 class="topic-row__title">'
        f'<a href="{state.topic_url(topic)}">{escape(topic.title)}</a>'
    )
    out: list[str] = []
    add = out.append
    add(
        "</h3>"
        '<p class="topic-row__marks">'
        f'<span class="badge badge--{escape(topic.kind)}">{state.kind_label(topic)}</span>'
    )
    if topic.pinned_at:
        add(f' <span class="badge">{texts["pinned"]}</span>')
    if topic.accepted_answer_id:
        add(f' <span class="badge badge--accepted">✓ {texts["answered"]}</span>')
    if topic.duplicate_of_id:
        add(f' <span class="badge badge--closed">{texts["duplicate"]}</span>')
    elif topic.locked_at:
        add(f' <span class="badge badge--closed">{texts["locked"]}</span>')
    if topic.review_state == "pending":
        add(f' <span class="badge badge--pending">{texts["pending"]}</span>')
    if topic.is_embargoed:
        add(f' <span class="badge badge--pending">{texts["embargoed"]}</span>')
    if show_space:
        label = state.in_space % {"name": topic.space.name}
        add(f' <span class="topic-row__space">{escape(label)}</span>')
    product = _product(topic)
    if product is not None:
        pk, vendor_slug, product_slug, product_name, vendor_name = product
        product_href = state.product_url_of(pk, vendor_slug, product_slug)
        add(
            f' <a class="topic-row__product" href="{product_href}">'
            f"{escape(product_name)} ({escape(vendor_name)})</a>"
        )
    add("</p>")
    tags = _tags(topic)
    if tags:
        add(f'<ul class="tag-list" aria-label="{texts["tags"]}">')
        for tag in tags:
            add(
                f'<li><a class="tag" href="{state.tag_url(tag)}">'
                f"{escape(tag.name)}</a></li>"
            )
        add("</ul>")
    replies_label = state.replies_label(topic.post_count)
    last = state.last_by % {"name": _poster(topic)}
    add(
        f'<p class="topic-row__stats"><span>{replies_label}</span> '
        f"<span>{escape(last)} {state.time(topic.last_activity_at)}</span></p></li>"
    )
    return head, "".join(out)

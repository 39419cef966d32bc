"""Reads of the opt-in reading history: the opt-in flag and read markers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet

from cop.core.prepared import PreparedQuery
from discussions import permissions
from discussions.models import DiscussionSettings, ReadState

__all__ = [
    "ReadMarker",
    "read_marker_for",
    "read_markers_attach",
    "read_states_for",
    "reading_history_enabled",
]

#: Where the opt-in flag is cached on the user object (one request's lifetime).
READING_FLAG_ATTR = "_cop_reading_history"


def reading_history_enabled(*, viewer: Any) -> bool:
    """Return whether ``viewer`` turned reading history on (one query, then cached)."""
    if not permissions.is_active_member(viewer):
        return False
    cached = getattr(viewer, READING_FLAG_ATTR, None)
    if cached is None:
        cached = DiscussionSettings.objects.filter(
            user_id=viewer.pk, reading_history=True
        ).exists()
        setattr(viewer, READING_FLAG_ATTR, cached)
    return cached


def read_states_for(*, viewer: Any, topic_ids: Iterable[int]) -> dict[int, int]:
    """Return ``{topic_id: last_read_number}`` of ``viewer`` for ``topic_ids``.

    At most one query (for a page of a list, compiled once per process); none for
    anonymous visitors, none when the viewer is known not to have opted in. Rows
    exist only for members who opted in (turning it off deletes them), and the
    query also checks the opt-in.
    """
    ids = sorted({int(pk) for pk in topic_ids})
    if not ids or not permissions.is_active_member(viewer):
        return {}
    if getattr(viewer, READING_FLAG_ATTR, None) is False:
        return {}
    if len(ids) > _READ_STATE_SLOTS:  # longer than a page of a list: the ORM
        return dict(
            _read_states_of(viewer.pk, ids).values_list("topic_id", "last_read_number")
        )
    # Padded with 0 (no topic has it) so that every list runs one SQL shape.
    slots: dict[str, Any] = {
        f"t{i}": ids[i] if i < len(ids) else 0 for i in range(_READ_STATE_SLOTS)
    }
    return {
        state.topic_id: state.last_read_number  # type: ignore[attr-defined]
        for state in _READ_STATES.all(user_id=viewer.pk, **slots)
    }


def _read_states_of(user_id: int, topic_ids: list[int]) -> QuerySet[ReadState]:
    return ReadState.objects.filter(
        user_id=user_id,
        topic_id__in=topic_ids,
        user__discussion_settings__reading_history=True,
    )


def _read_states(user_id: int, **ids: int) -> QuerySet[ReadState]:
    topic_ids = [ids[f"t{i}"] for i in range(len(ids))]
    return _read_states_of(user_id, topic_ids).only(
        "id", "topic_id", "last_read_number"
    )


# The read states of one page of a topic list (TOPICS_PER_PAGE topics).
_READ_STATE_SLOTS: Final = 30
_READ_STATES = PreparedQuery(
    _read_states,
    user_id=2_101_999_700,
    **{f"t{i}": 2_101_999_710 + i for i in range(_READ_STATE_SLOTS)},
)


@dataclass(frozen=True)
class ReadMarker:
    """What a topic row or page shows for a member who keeps reading history."""

    last_read_number: int
    new_count: int
    continue_url: str


def read_marker_for(*, topic: Any, last_read: int) -> ReadMarker:
    """Return the marker of ``topic`` for a member who read it up to ``last_read``."""
    from discussions.selectors.posts import post_page_number

    new_count = max(topic.last_post_number - last_read, 0)
    target = min(last_read + 1, max(topic.last_post_number, 1))
    page = post_page_number(target)
    query = f"?page={page}" if page > 1 else ""
    return ReadMarker(
        last_read_number=last_read,
        new_count=new_count,
        continue_url=f"{topic.get_absolute_url()}{query}#post-{target}",
    )


def read_markers_attach(*, viewer: Any, topics: Iterable[Any]) -> list[Any]:
    """Set ``topic.read_marker`` (a :class:`ReadMarker` or None) on each of ``topics``.

    For list pages: costs :func:`read_states_for`'s at most one query. Topics the
    viewer never opened, and every topic for members without reading history, get
    None, so ``read_marker.html`` shows nothing.
    """
    topics = list(topics)
    states = read_states_for(viewer=viewer, topic_ids=[t.pk for t in topics])
    for topic in topics:
        last_read = states.get(topic.pk)
        topic.read_marker = (
            None
            if last_read is None
            else read_marker_for(topic=topic, last_read=last_read)
        )
    return topics

"""Opt-in reading history: read markers and where to continue.

Reading history is off by default (the borrowing-history rule of the library
privacy checklist, applied to ourselves): cop keeps no record of what a member read
unless they turn it on, and turning it off deletes what was kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from discussions import permissions
from discussions.models import DiscussionSettings, ReadState
from discussions.selectors.reading import (
    READING_FLAG_ATTR,
    read_marker_for,
    reading_history_enabled,
)

if TYPE_CHECKING:
    from discussions.models import Topic

__all__ = [
    "read_state_after_view",
    "read_state_mark",
    "reading_history_set",
]


@transaction.atomic
def reading_history_set(*, actor: Any, enabled: bool) -> int:
    """Turn ``actor``'s reading history on or off; return how many records were deleted.

    Turning it off deletes every stored ``ReadState`` of the member.
    """
    permissions.require(permissions.is_active_member(actor))
    DiscussionSettings.objects.update_or_create(
        user=actor, defaults={"reading_history": bool(enabled)}
    )
    setattr(actor, READING_FLAG_ATTR, bool(enabled))
    if enabled:
        return 0
    deleted, _ = ReadState.objects.filter(user_id=actor.pk).delete()
    return deleted


def read_state_mark(*, actor: Any, topic: Topic, last_number: int) -> None:
    """Remember that ``actor`` read ``topic`` up to post ``last_number`` (opted-in only).

    Never moves the marker backwards. A no-op for members without reading history.
    """
    read_state_after_view(viewer=actor, topic=topic, last_number=last_number)


def read_state_after_view(*, viewer: Any, topic: Topic, last_number: int) -> int | None:
    """Record a topic page view and return the post number read before it.

    Called by the topic view with the highest post number on the page shown. Returns
    ``None`` (and stores nothing, running no query once the opt-in is known) when
    the viewer has not turned reading history on; otherwise the previous
    ``last_read_number`` (0 for a first visit), so the page can mark what is new.
    Also sets ``topic.read_marker`` (see ``read_marker.html``) from that number.
    """
    topic.read_marker = None
    if not reading_history_enabled(viewer=viewer):
        return None
    last_number = max(int(last_number or 0), 0)
    state, created = ReadState.objects.get_or_create(
        user_id=viewer.pk, topic_id=topic.pk, defaults={"last_read_number": last_number}
    )
    previous = 0 if created else state.last_read_number
    if not created and last_number > previous:
        ReadState.objects.filter(pk=state.pk).update(last_read_number=last_number)
    if not created:
        topic.read_marker = read_marker_for(topic=topic, last_read=previous)
    return previous

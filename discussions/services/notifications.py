"""The notification outbox: rows written in the cause's transaction, e-mails sent by tasks.

The posting, moderation and red-flag services call these hooks *inside* their
transaction; each hook writes the ``Notification`` rows (the outbox) and schedules
the e-mail task with ``transaction.on_commit``. Until the notifications work lands
they do nothing, so callers can already call them.

Owner while the discussions are built: H5.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discussions.models import Post, Topic

__all__ = [
    "notify_answer_accepted",
    "notify_post_published",
    "notify_post_reviewed",
    "notify_red_flag_released",
]


def notify_post_published(*, post: Post) -> None:
    """Tell watchers, the topic's followers and mentioned members about a visible new post.

    Called when a post becomes visible: at creation when no review is needed, or when
    a moderator approves it. The opening post of a topic counts (new topic in a
    watched space, tag, vendor or product). A vendor representative's response on a
    red flag also tells the flag's author.
    """


def notify_answer_accepted(*, topic: Topic, post: Post, actor: Any) -> None:
    """Tell the answer's author that it was accepted."""


def notify_post_reviewed(*, post: Post, approved: bool, reason: str = "") -> None:
    """Tell a post's author that a moderator approved or rejected it (with the reason)."""


def notify_red_flag_released(*, topic: Topic) -> None:
    """Tell followers that a red flag and the vendor's response were published."""

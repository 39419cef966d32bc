"""Member flags, auto-hide and every moderator action, each audited.

Every moderator action checks ``discussions.permissions``, writes one
``ModerationEvent`` inside its transaction (IDs only in ``extra``), refreshes the
denormalised counters where visible content changes and calls
``discussions.cache.content_changed`` (which purges after commit). Authors are told
about reviews through ``notifications.notify_post_reviewed``; flaggers are never
named to anyone but moderators.
"""

from .common import SLOW_MODE_MAX_SECONDS, flag_hide_threshold, moderation_event_record
from .flags import post_flag
from .posts import (
    member_suspend_from_post,
    post_approve,
    post_hide,
    post_moderator_edit,
    post_reject,
    post_restore,
)
from .topics import (
    topic_approve,
    topic_close_duplicate,
    topic_lock,
    topic_merge,
    topic_move,
    topic_pin,
    topic_reject,
    topic_slow_mode_set,
    topic_unlock,
    topic_unpin,
)

__all__ = [
    "SLOW_MODE_MAX_SECONDS",
    "flag_hide_threshold",
    "member_suspend_from_post",
    "moderation_event_record",
    "post_approve",
    "post_flag",
    "post_hide",
    "post_moderator_edit",
    "post_reject",
    "post_restore",
    "topic_approve",
    "topic_close_duplicate",
    "topic_lock",
    "topic_merge",
    "topic_move",
    "topic_pin",
    "topic_reject",
    "topic_slow_mode_set",
    "topic_unlock",
    "topic_unpin",
]

"""Topic and post creation, editing, Q&A, helpful marks and tags.

Every function is keyword-only and atomic, checks its permission through
``discussions.permissions``, raises ``ValidationError`` (naming the field) or
``PermissionDenied``, and calls ``discussions.cache.content_changed`` inside its
transaction. Denormalised counters count only what every reader of the space
sees (approved, not hidden, not embargoed); ``Topic.last_post_number`` is the
numbering counter and never goes back, so post numbers are never reused.
"""

from .cleaning import TAGS_MAX, TITLE_MAX_LENGTH, TITLE_MIN_LENGTH, tags_normalise
from .posts import (
    answer_accept,
    answer_unaccept,
    helpful_toggle,
    post_create,
    post_edit,
)
from .publishing import (
    post_publish_effects,
    space_counters_refresh,
    topic_counters_refresh,
)
from .topics import topic_create, topic_tags_set

__all__ = [
    "TAGS_MAX",
    "TITLE_MAX_LENGTH",
    "TITLE_MIN_LENGTH",
    "answer_accept",
    "answer_unaccept",
    "helpful_toggle",
    "post_create",
    "post_edit",
    "post_publish_effects",
    "space_counters_refresh",
    "tags_normalise",
    "topic_counters_refresh",
    "topic_create",
    "topic_tags_set",
]

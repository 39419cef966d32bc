"""Who may read and do what in the discussions: the only place these rules live.

Predicates (``can_*``) return a bool, guards (``require_*``) raise
``PermissionDenied`` and accessors (``access_*``) return the object or raise
``Http404`` for both "missing" and "not visible", so an embargoed red flag or a
private space never reveals that it exists. ``*_q`` functions turn the same
rules into ``Q`` objects for the selectors, so lists, counts, search, feeds and
the API apply exactly the rules the detail pages do.

Reading rules:

- a space is readable by everyone (public), by signed-in members (members), by
  library workers (library workers only: no vendor representative, even one who
  also works at a library), or by its working group (working group); moderators
  read every space;
- a topic is readable when its space is, and it is approved (or the viewer wrote
  it), not hidden, not merged away, and not in a red flag's embargo, unless the
  viewer wrote it, moderates, or represents the embargoed vendor;
- a post is readable when its topic is, and it is approved and not hidden
  (its author and moderators still see it, marked as pending or hidden).
"""

from .accessors import access_post, access_space, access_topic
from .actions import (
    EDIT_WINDOW_DAYS,
    can_accept_answer,
    can_create_topic,
    can_edit_post,
    can_edit_topic,
    can_flag_post,
    can_mark_helpful,
    can_post_officially,
    can_raise_red_flag,
    can_reply,
    can_respond_as_vendor,
    require,
    require_moderator,
)
from .batch import (
    ReaderFacts,
    can_read_topic_with,
    can_see_post_body_with,
    readable_space_ids_for_users,
    reader_facts_for_users,
    roles_prefetch,
)
from .reading import (
    can_know_tag,
    can_manage_spaces,
    can_moderate,
    can_read_space,
    can_read_topic,
    can_see_post_body,
    is_active_member,
    logged_topic_q,
    readable_space_q,
    visible_post_q,
    visible_topic_q,
)

__all__ = [
    "EDIT_WINDOW_DAYS",
    "ReaderFacts",
    "access_post",
    "access_space",
    "access_topic",
    "can_accept_answer",
    "can_create_topic",
    "can_edit_post",
    "can_edit_topic",
    "can_flag_post",
    "can_know_tag",
    "can_manage_spaces",
    "can_mark_helpful",
    "can_moderate",
    "can_post_officially",
    "can_raise_red_flag",
    "can_read_space",
    "can_read_topic",
    "can_read_topic_with",
    "can_reply",
    "can_respond_as_vendor",
    "can_see_post_body",
    "can_see_post_body_with",
    "is_active_member",
    "logged_topic_q",
    "readable_space_ids_for_users",
    "readable_space_q",
    "reader_facts_for_users",
    "require",
    "require_moderator",
    "roles_prefetch",
    "visible_post_q",
    "visible_topic_q",
]

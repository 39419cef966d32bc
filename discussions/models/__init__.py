"""Discussion models: one import point for the package (``discussions.models``)."""

from .moderation import FlagReason, ModerationAction, ModerationEvent, PostFlag
from .notifications import (
    DigestDelivery,
    EmailState,
    FollowLevel,
    Notification,
    NotificationEvent,
    NotificationKind,
    Subscription,
)
from .posts import (
    BODY_MAX_LENGTH,
    POSTS_PER_PAGE,
    HelpfulMark,
    Mention,
    Post,
    PostRevision,
    post_page_number,
)
from .reading import DigestFrequency, DiscussionSettings, ReadState
from .spaces import Space, SpaceQuerySet, Tag, Visibility
from .topics import EmbargoState, ReviewState, Topic, TopicKind

__all__ = [
    "BODY_MAX_LENGTH",
    "POSTS_PER_PAGE",
    "DigestDelivery",
    "DigestFrequency",
    "DiscussionSettings",
    "EmailState",
    "EmbargoState",
    "FlagReason",
    "FollowLevel",
    "HelpfulMark",
    "Mention",
    "ModerationAction",
    "ModerationEvent",
    "Notification",
    "NotificationEvent",
    "NotificationKind",
    "Post",
    "PostFlag",
    "PostRevision",
    "ReadState",
    "ReviewState",
    "Space",
    "SpaceQuerySet",
    "Subscription",
    "Tag",
    "Topic",
    "TopicKind",
    "Visibility",
    "post_page_number",
]

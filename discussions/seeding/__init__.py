"""Demo and large-scale discussion content for ``seed_demo``.

Registered in :class:`discussions.apps.DiscussionsConfig` with order
``SEED_ORDER_DISCUSSIONS``: runs after members, vendors and guides and looks their
rows up by natural key (e-mail, organisation and product slugs, criterion and red
flag codes). All names and texts are fictional; e-mail addresses are at
``example.org``.

``--scale demo`` makes five spaces, one per visibility (public "Licensing questions"
and "Disclosures and red flags", members "Vendor conversations", library workers
"Library workers' lounge", and the "Vendor privacy working group" space of a Group
holding the demo moderator and library worker) with topics of every type: a
licensing question with an accepted answer, a released red flag with Brightwell's
response linking a roadmap item, a red flag about Larchmont's product still in its
embargo, disclosure discussions citing ``VPD-…`` and ``RF-…`` codes, tags, helpful
marks, a mention, a flagged post, an edited post with its history and a post waiting
for a moderator. Two more demo members post: ``eresources@example.org`` and
``newcomer@example.org`` (whose first post is pending).

The rows are written directly, not through ``discussions.services``: the services
apply live rules (a new member's first posts wait for a moderator, slow mode,
notifications and e-mails to followers) that would change or spam the demo. The
rows get what the services would give them: Markdown rendered by
``discussions.markup``, gap-free numbers and the denormalised counters of
``topic_counters_refresh`` (approved, not hidden posts).

``--scale large`` adds :data:`LARGE_TOPIC_COUNT` topics and :data:`LARGE_POST_COUNT`
posts over a week of activity (topic ``bench-topic-0001`` has exactly
:data:`LARGE_LONG_TOPIC_POSTS` posts, for the topic page benchmark) written by the
``cop.members`` bench users, plus :data:`LARGE_DIGEST_SUBSCRIBERS` digest
subscribers (``digest-00001@example.org`` ...) with daily or weekly digests
spread over hours and time zones, each watching spaces and a product. Bulk inserts,
one password hash, each distinct body rendered once. The large rows are not added to
the search index (``manage.py update_index`` does that, in minutes); the demo rows
are.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from cop.core.seeding import SCALE_LARGE, SEED_ORDER_DISCUSSIONS, seeders
from discussions.models import DiscussionSettings, Post, Space, Subscription, Topic

from .common import BATCH, WORKING_GROUP_NAME, _space_counters_refresh
from .demo import _demo_ensure
from .large import (
    DIGEST_EMAIL_PREFIX,
    LARGE_DIGEST_SUBSCRIBERS,
    LARGE_LONG_TOPIC_POSTS,
    LARGE_POST_COUNT,
    LARGE_TOPIC_COUNT,
    LARGE_TOPIC_PREFIX,
    _digest_subscribers_ensure,
    _large_topics_ensure,
)

__all__ = [
    "BATCH",
    "DIGEST_EMAIL_PREFIX",
    "LARGE_DIGEST_SUBSCRIBERS",
    "LARGE_LONG_TOPIC_POSTS",
    "LARGE_POST_COUNT",
    "LARGE_TOPIC_COUNT",
    "LARGE_TOPIC_PREFIX",
    "WORKING_GROUP_NAME",
    "register",
    "seed_discussions",
]


def seed_discussions(*, scale: str, stdout: Any) -> dict[str, int]:
    """Create the demo (and with ``scale="large"`` the benchmark) discussions; idempotent."""
    counted = {
        "spaces": Space.objects,
        "topics": Topic.objects,
        "posts": Post.objects,
        "digest subscribers": DiscussionSettings.objects,
        "follows": Subscription.objects,
    }
    before = {name: manager.count() for name, manager in counted.items()}
    now = timezone.now()
    spaces = _demo_ensure(now)
    if scale == SCALE_LARGE:
        _large_topics_ensure(now, spaces)
        _digest_subscribers_ensure(now, spaces)
    _space_counters_refresh(spaces=list(Space.objects.all()))
    return {name: manager.count() - before[name] for name, manager in counted.items()}


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
    seeders.register("discussions", seed_discussions, order=SEED_ORDER_DISCUSSIONS)

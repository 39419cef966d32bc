"""The moderators' review queue and the public moderation log.

The queue is one list of posts: the opening posts of pending topics, pending
replies, and posts with open flags, oldest first. Each item carries its context
(topic, space, author, the preceding post, open flags by reason, the author's
number of approved posts) in a fixed number of queries, whatever the queue's length.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from discussions import permissions
from discussions.models import (
    FlagReason,
    ModerationEvent,
    Post,
    PostFlag,
    ReviewState,
    Space,
    Topic,
)

__all__ = [
    "LOG_PAGE_SIZE",
    "QUEUE_PAGE_SIZE",
    "QueueItem",
    "moderation_log_page",
    "moderation_queue_count",
    "moderation_queue_page",
    "moderation_space_choices",
    "moderation_waiting",
    "topic_merge_target",
]

QUEUE_PAGE_SIZE = 25
LOG_PAGE_SIZE = 50


@dataclass
class QueueItem:
    """One entry of the review queue with everything the moderator needs to decide."""

    post: Post
    kind: str  # "topic" (a pending topic), "post" (a pending reply) or "flagged"
    preceding: Post | None = None
    flag_reasons: list[tuple[str, int]] = field(default_factory=list)
    flag_texts: list[str] = field(default_factory=list)
    author_approved_posts: int = 0

    @property
    def topic(self) -> Topic:
        return self.post.topic


def _queue_posts(viewer: Any) -> QuerySet[Post]:
    permissions.require_moderator(viewer)
    return (
        Post.objects.filter(topic__merged_into__isnull=True)
        .filter(
            Q(review_state=ReviewState.PENDING)
            | Q(number=1, topic__review_state=ReviewState.PENDING)
            | Q(open_flag_count__gt=0)
        )
        .exclude(review_state=ReviewState.REJECTED)
    )


def moderation_queue_count(*, viewer: Any) -> int:
    """Return how many items wait in the review queue (one query; moderators only)."""
    return _queue_posts(viewer).count()


@dataclass(frozen=True)
class ModerationWaiting:
    """What waits for a moderator: the discussion queue, affiliations, disclosures."""

    queue: int
    affiliations: int
    disclosures: int

    @property
    def total(self) -> int:
        return self.queue + self.affiliations + self.disclosures


def moderation_waiting(*, viewer: Any) -> ModerationWaiting | None:
    """Return the counts behind the header's "Moderate (n)", or None for non-moderators.

    One count query each for the queue, the affiliation requests and the
    disclosures in review; nothing for anyone else.
    """
    if not permissions.can_moderate(viewer):
        return None
    from cop.members.selectors import affiliation_queue_count
    from vendors.selectors_editor import disclosures_awaiting_review_count

    return ModerationWaiting(
        queue=moderation_queue_count(viewer=viewer),
        affiliations=affiliation_queue_count(viewer=viewer),
        disclosures=disclosures_awaiting_review_count(viewer=viewer),
    )


def moderation_queue_page(*, viewer: Any, page: Any = 1) -> Page[Any]:
    """Return one page of the review queue as ``QueueItem`` objects, oldest first.

    Moderators only (``PermissionDenied`` otherwise). Costs the same number of
    queries for 3 or 300 items: the count, the page, its open flags, the preceding
    posts and the authors' approved-post counts.
    """
    preceding_id = Subquery(
        Post.objects.filter(
            topic_id=OuterRef("topic_id"), number__lt=OuterRef("number")
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    posts = (
        _queue_posts(viewer)
        .annotate(preceding_id=preceding_id)
        .select_related("topic__space", "author", "organisation")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=PostFlag.objects.filter(resolved_at__isnull=True),
                to_attr="open_flags",
            )
        )
        .order_by("created_at", "pk")
    )
    page_obj: Page[Any] = Paginator(posts, QUEUE_PAGE_SIZE).get_page(page)
    rows: list[Any] = list(page_obj.object_list)
    preceding = {
        p.pk: p
        for p in Post.objects.filter(
            pk__in=[p.preceding_id for p in rows if p.preceding_id]
        ).select_related("author")
    }
    approved = dict(
        Post.objects.filter(
            author_id__in={p.author_id for p in rows if p.author_id},
            review_state=ReviewState.APPROVED,
        )
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    labels = dict(FlagReason.choices)
    items = []
    for post in rows:
        if post.number == 1 and post.topic.review_state == ReviewState.PENDING:
            kind = "topic"
        elif post.review_state == ReviewState.PENDING:
            kind = "post"
        else:
            kind = "flagged"
        reasons = Counter(flag.reason for flag in post.open_flags)
        items.append(
            QueueItem(
                post=post,
                kind=kind,
                preceding=preceding.get(post.preceding_id),
                flag_reasons=[
                    (str(labels.get(reason, reason)), n)
                    for reason, n in reasons.most_common()
                ],
                flag_texts=[flag.text for flag in post.open_flags if flag.text],
                author_approved_posts=approved.get(post.author_id, 0),
            )
        )
    page_obj.object_list = items
    return page_obj


def moderation_log_page(*, viewer: Any, page: Any = 1) -> Page[ModerationEvent]:
    """Return one page of the public moderation log as ``viewer`` may see it.

    Site-wide events (no space, such as suspensions), events in spaces ``viewer`` can
    read, and, for an event about a topic, only when ``viewer`` may know the topic
    (:func:`permissions.logged_topic_q`: an embargoed red flag's entries stay out
    until its embargo is released). Only the action, space, reason and time are
    loaded: never the moderator nor the member concerned. Two queries per page.
    """
    readable = permissions.readable_space_q(viewer, "space__")
    # An empty Q (every space readable) would vanish from "Q(...) | Q()".
    scope = Q(space__isnull=True) | readable if readable else Q()
    topic_scope = permissions.logged_topic_q(viewer, "topic__")
    if topic_scope:
        scope &= Q(topic__isnull=True) | topic_scope
    events = (
        ModerationEvent.objects.filter(scope)
        .select_related("space")
        .only("action", "reason", "created_at", "space__name", "space__slug")
        .order_by("-created_at", "-id")
    )
    return Paginator(events, LOG_PAGE_SIZE).get_page(page)


def moderation_space_choices(*, viewer: Any) -> QuerySet[Space]:
    """Return the spaces ``viewer`` may move topics into (all, for moderators)."""
    permissions.require_moderator(viewer)
    return Space.objects.filter(archived_at__isnull=True).order_by("position", "name")


def topic_merge_target(*, viewer: Any, topic_id: Any) -> Topic | None:
    """Return the topic that topic ``topic_id`` was merged into, if ``viewer`` may read it.

    For the topic page: a merged topic's URL redirects to the surviving topic.
    Returns ``None`` when the topic was not merged or the target is not readable.
    """
    try:
        pk = int(topic_id)
    except (TypeError, ValueError):
        return None
    target_id = (
        Topic.objects.filter(pk=pk, merged_into__isnull=False)
        .values_list("merged_into_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    target = Topic.objects.select_related("space").filter(pk=target_id).first()
    if target is None or not permissions.can_read_topic(viewer, target):
        return None
    return target

"""The cross-space lists of the discussions' front page: "Latest" and "Top this month".

Both apply :func:`discussions.permissions.visible_topic_q` like the space pages and
load a page of rows in a fixed number of queries (the rows, then their tags).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from django.core.paginator import Page
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from discussions import permissions
from discussions.models import HelpfulMark, Post, ReviewState, Topic

from .topics import TOPICS_PER_PAGE, _topic_list, topic_page

__all__ = ["TOP_DAYS", "TOP_LIMIT", "latest_page", "top_topics"]

#: The window of "Top this month", in days.
TOP_DAYS: Final = 30
#: How many topics "Top this month" lists (one page, no pagination).
TOP_LIMIT: Final = TOPICS_PER_PAGE


def latest_page(*, viewer: Any, page: Any) -> Page[Topic]:
    """Return one page of the topics ``viewer`` may read in every space, latest first.

    Pinned topics are not lifted here: pinning speaks for one space's page.
    """
    return topic_page(viewer=viewer, page=page, pinned_first=False)


def _count_of(queryset: Any, group: str) -> Coalesce:
    """Return ``queryset``'s row count per ``group`` as a correlated sub-query (0 if none)."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def top_topics(*, viewer: Any, now: Any = None) -> list[Topic]:
    """Return the readable topics with the most replies and helpful marks in 30 days.

    The score counts the replies posted in the window and the helpful marks given
    in it, on approved posts that are not hidden: the same for every reader, so it
    tells nobody about hidden or pending posts. Ties go to the latest activity.
    Only topics active in the window are considered. One query (tags aside).
    """
    since = (now or timezone.now()) - timedelta(days=TOP_DAYS)
    replies = Post.objects.filter(
        topic=OuterRef("pk"),
        number__gt=1,
        created_at__gte=since,
        review_state=ReviewState.APPROVED,
        hidden_at__isnull=True,
    )
    marks = HelpfulMark.objects.filter(
        post__topic=OuterRef("pk"),
        created_at__gte=since,
        post__review_state=ReviewState.APPROVED,
        post__hidden_at__isnull=True,
    )
    topics = (
        _topic_list(
            permissions.visible_topic_q(viewer),
            space_id=None,
            tag_id=None,
            kind=None,
            pinned_first=False,
        )
        .filter(last_activity_at__gte=since)
        .annotate(
            month_replies=_count_of(replies, "topic"),
            month_helpful=_count_of(marks, "post__topic"),
        )
        .annotate(month_score=F("month_replies") + F("month_helpful"))
        .filter(month_score__gt=0)
        .order_by("-month_score", "-last_activity_at", "-id")
    )
    return list(topics[:TOP_LIMIT])

"""The discussions' facts about the signed-in member, loaded with their user row.

Registered with :data:`cop.members.backends.request_facts`: the header's unread
notification count and whether reading history is on are asked on nearly every
page, so they come with the one query that loads the member instead of two more.
Where they are read: :func:`discussions.selectors.notification_unread_count` and
:func:`discussions.selectors.reading.reading_history_enabled`, which still ask the
database for a user loaded any other way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Subquery

from discussions.models import DiscussionSettings, Notification
from discussions.selectors.notifications import UNREAD_COUNT_ATTR, UNREAD_COUNT_CAP
from discussions.selectors.reading import READING_FLAG_ATTR

_UNREAD = "cop_fact_unread_notifications"
_READING = "cop_fact_reading_history"


def fact_annotations() -> dict[str, Any]:
    """Return the ``annotate()`` keywords of the discussions' facts."""
    user = OuterRef("pk")
    unread = (
        Notification.objects.filter(user_id=user, read_at__isnull=True)
        .order_by()
        .values("user_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return {
        _UNREAD: Subquery(unread),
        _READING: Exists(
            DiscussionSettings.objects.filter(user_id=user, reading_history=True)
        ),
    }


def apply(user: Any) -> None:
    """Store the loaded facts where the selectors read them."""
    if not hasattr(user, _READING):
        return
    setattr(user, READING_FLAG_ATTR, bool(getattr(user, _READING)))
    setattr(
        user, UNREAD_COUNT_ATTR, min(int(getattr(user, _UNREAD) or 0), UNREAD_COUNT_CAP)
    )


def register() -> None:
    """Add these facts to the member's login query (from ``AppConfig.ready``)."""
    from cop.members.backends import RequestFact, request_facts

    request_facts.register("discussions", lambda: RequestFact(fact_annotations, apply))

    from cop.core.header import header_facts

    header_facts.register("discussions", header_fact)


def header_fact(request: Any) -> tuple[Any, ...]:
    """What the discussions show in the site header: unread count, moderation work.

    The same answers the header's tags give (read once per request), so that the
    header kept by :mod:`cop.core.header` is keyed on what it shows.
    """
    from discussions.templatetags.moderation_tags import moderation_waiting
    from discussions.templatetags.notification_tags import unread_notification_count

    context = {"request": request}
    waiting = moderation_waiting(context)
    return (
        unread_notification_count(context),
        bool(waiting),
        getattr(waiting, "total", None) if waiting else None,
    )

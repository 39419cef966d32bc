"""A member's notifications and follow levels (reads; visibility applied per viewer)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.core.prepared import PreparedQuery
from discussions import permissions
from discussions.models import (
    FollowLevel,
    Notification,
    NotificationKind,
    Subscription,
)

__all__ = [
    "FOLLOW_TARGET_TYPES",
    "follow_describe",
    "follow_level_for",
    "follow_list",
    "follow_target_get",
    "follow_target_url",
    "notification_describe",
    "notification_email_context",
    "notification_list",
    "notification_settings_get",
    "notification_unread_count",
]

#: URL target type -> ``Subscription`` field (vendors are organisations of kind vendor).
FOLLOW_TARGET_TYPES = {
    "space": "space",
    "topic": "topic",
    "tag": "tag",
    "vendor": "organisation",
    "product": "product",
}

#: The unread badge counts up to this (and shows "99+" above it): a bounded query.
UNREAD_COUNT_CAP = 100
#: Where :mod:`discussions.facts` leaves the count loaded with the member.
UNREAD_COUNT_ATTR = "_cop_unread_notifications"


def notification_list(*, viewer: Any) -> QuerySet[Notification]:
    """Return ``viewer``'s notifications, newest first, about things they may still see.

    Everything a row displays is joined in (topic, post author, product and vendor),
    so a page of notifications costs the same number of queries for 3 or 50 rows.
    """
    if not permissions.is_active_member(viewer):
        return Notification.objects.none()
    return (
        Notification.objects.filter(user_id=viewer.pk)
        .filter(
            Q(topic__isnull=True)
            # A member hears about the review of their own post even in a rejected topic.
            | Q(
                kind__in=[
                    NotificationKind.POST_APPROVED,
                    NotificationKind.POST_REJECTED,
                ]
            )
            | permissions.visible_topic_q(viewer, "topic__")
        )
        .select_related("topic", "post__author", "product__organisation")
        .order_by("-created_at", "-id")
    )


def notification_unread_count(*, viewer: Any) -> int:
    """Return how many unread notifications ``viewer`` has (capped).

    No query when the count came with the member's login query
    (:mod:`discussions.facts`), else one indexed query.
    """
    if not permissions.is_active_member(viewer):
        return 0
    loaded = getattr(viewer, UNREAD_COUNT_ATTR, None)
    if loaded is not None:
        return int(loaded)
    return (
        Notification.objects.filter(user_id=viewer.pk, read_at__isnull=True)
        .values("pk")[:UNREAD_COUNT_CAP]
        .count()
    )


def unread_count_forget(user: Any) -> None:
    """Drop the count loaded with ``user`` (after marking notifications read)."""
    user.__dict__.pop(UNREAD_COUNT_ATTR, None)


def _post_url(notification: Notification) -> str:
    if notification.post_id is not None:
        try:
            return reverse(
                "discussions:post_link", kwargs={"post_id": notification.post_id}
            )
        except NoReverseMatch:
            pass
    if notification.topic is not None:
        return notification.topic.get_absolute_url()
    return reverse("discussions:notifications")


def _product_url(notification: Notification) -> str:
    product = notification.product
    if product is None:
        return reverse("discussions:notifications")
    return reverse(
        "vendors:product_detail",
        kwargs={
            "vendor_slug": product.organisation.slug,
            "product_slug": product.slug,
        },
    )


#: The headline of each kind, filled in with ``who``, ``title`` and ``product``.
_HEADLINES: dict[str, Any] = {
    NotificationKind.MENTION: gettext_lazy("%(who)s mentioned you in “%(title)s”"),
    NotificationKind.REPLY: gettext_lazy("%(who)s replied in “%(title)s”"),
    NotificationKind.ANSWER_ACCEPTED: gettext_lazy(
        "Your answer in “%(title)s” was accepted"
    ),
    NotificationKind.VENDOR_RESPONSE: gettext_lazy(
        "The vendor responded to your red flag “%(title)s”"
    ),
    NotificationKind.RED_FLAG_RAISED: gettext_lazy(
        "A red flag about your product awaits your response: “%(title)s”"
    ),
    NotificationKind.RED_FLAG_PUBLISHED: gettext_lazy(
        "A red flag was published: “%(title)s”"
    ),
    NotificationKind.DISCLOSURE_CHANGED: gettext_lazy(
        "The privacy disclosure of %(product)s changed"
    ),
    NotificationKind.ROADMAP_CHANGED: gettext_lazy(
        "A roadmap item of %(product)s changed status"
    ),
    NotificationKind.POST_APPROVED: gettext_lazy(
        "A moderator approved your post in “%(title)s”"
    ),
    NotificationKind.POST_REJECTED: gettext_lazy(
        "A moderator did not approve your post in “%(title)s”"
    ),
    NotificationKind.GUIDE_REVIEW_DUE: gettext_lazy(
        "A guide has been due for review since %(due_on)s"
    ),
}


def notification_describe(*, notification: Notification) -> dict[str, str]:
    """Return the ``headline`` and site-relative ``url`` of a notification.

    Uses only the rows :func:`notification_list` joins in; names are display names
    (never real names or e-mail addresses).
    """
    post = notification.post
    who = ""
    if post is not None:
        who = post.author.display_name if post.author else _("A former member")
    title = notification.topic.title if notification.topic else ""
    product = notification.product.name if notification.product else ""
    data = notification.data or {}
    kind = notification.kind
    if kind == NotificationKind.REPLY and data.get("event") == "new_topic":
        text = _("%(who)s started “%(title)s”")
    else:
        text = str(_HEADLINES.get(kind, _HEADLINES[NotificationKind.POST_REJECTED]))
    headline = text % {
        "who": who,
        "title": title,
        "product": product,
        "due_on": data.get("due_on", ""),
    }
    if kind in (NotificationKind.DISCLOSURE_CHANGED, NotificationKind.ROADMAP_CHANGED):
        url = _product_url(notification)
    elif kind == NotificationKind.GUIDE_REVIEW_DUE and data.get("guide"):
        # The guide in the admin, where a moderator reviews it (or marks it reviewed).
        url = reverse("wagtailadmin_pages:edit", args=[data["guide"]])
    elif kind == NotificationKind.POST_REJECTED:
        url = reverse("discussions:notifications")
    else:
        url = _post_url(notification)
    return {"headline": headline, "url": url}


def notification_email_context(*, notification: Notification) -> dict[str, Any]:
    """Return the minimal context of a notification e-mail.

    The recipient's display name, a headline, one absolute link to cop and the link
    to the settings page: no post bodies, no other member's address or real name,
    no tracking.
    """
    described = notification_describe(notification=notification)
    site = settings.SITE_URL
    return {
        "subject": described["headline"],
        "headline": described["headline"],
        "url": f"{site}{described['url']}",
        "settings_url": f"{site}{reverse('discussions:notification_settings')}",
        "recipient_name": notification.user.display_name,
        "kind": notification.kind,
    }


def follow_list(*, viewer: Any) -> QuerySet[Subscription]:
    """Return ``viewer``'s follow rows with their targets joined in (no query per row)."""
    if not permissions.is_active_member(viewer):
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(user_id=viewer.pk)
        .filter(Q(topic__isnull=True) | permissions.visible_topic_q(viewer, "topic__"))
        .filter(Q(space__isnull=True) | permissions.readable_space_q(viewer, "space__"))
        .select_related(
            "space", "topic", "tag", "organisation", "product__organisation"
        )
        .order_by("-updated_at", "-id")
    )


def follow_level_for(*, viewer: Any, **target: Any) -> str | None:
    """Return ``viewer``'s level on one target (``topic=``, ``space=`` ...), or None.

    ``None`` means no explicit choice (the default, shown as normal).
    """
    if not permissions.is_active_member(viewer):
        return None
    field, value = next(
        (item for item in target.items() if item[1] is not None), (None, None)
    )
    if field is None:
        return None
    known = getattr(value, "follow_level_of", None)  # read with the page's object
    target_id = getattr(value, "pk", value)
    prepared = _FOLLOW_LEVEL.get(field)
    if known is not None and known[0] == viewer.pk:
        level = known[1]
    elif prepared is None or not isinstance(target_id, int):
        level = (
            Subscription.objects.filter(user_id=viewer.pk, **{field: value})
            .values_list("level", flat=True)
            .first()
        )
    else:
        row: Any = prepared.first(viewer_id=viewer.pk, target_id=target_id)
        level = row.level if row is not None else None
    return level if level in FollowLevel.values else None


def _follow_level_query(field: str) -> PreparedQuery:
    def build(viewer_id: int, target_id: int) -> Any:
        return (
            Subscription.objects.filter(user_id=viewer_id, **{f"{field}_id": target_id})
            .only("id", "level")
            .order_by("id")
        )

    return PreparedQuery(build, viewer_id=2_101_999_401, target_id=2_101_999_402)


# The follow control's query on each kind of target, compiled once per process.
_FOLLOW_LEVEL = {
    field: _follow_level_query(field)
    for field in ("topic", "space", "tag", "organisation", "product")
}


def follow_target_get(
    *, viewer: Any, target_type: str, target_id: Any
) -> tuple[str, Any] | None:
    """Return ``(field, object)`` for a followable target ``viewer`` may see, else None.

    ``None`` for a missing target and for one the viewer may not read alike (the
    view answers 404 for both): a space or topic outside their reach, an
    organisation that is not a vendor.
    """
    from cop.members.models import Organisation
    from discussions.models import Space
    from discussions.selectors.topics import tag_get
    from vendors.models import Product

    field = FOLLOW_TARGET_TYPES.get(target_type)
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        return None
    if field is None:
        return None
    obj: Any
    if field == "topic":
        try:
            obj = permissions.access_topic(viewer, pk)
        except Http404:
            return None
    elif field == "space":
        obj = Space.objects.filter(pk=pk).select_related("working_group").first()
        if obj is not None and not permissions.can_read_space(viewer, obj):
            obj = None
    elif field == "tag":
        obj = tag_get(viewer=viewer, pk=pk)
    elif field == "organisation":
        obj = Organisation.objects.filter(pk=pk, kind=Organisation.Kind.VENDOR).first()
    else:
        obj = Product.objects.filter(pk=pk).select_related("organisation").first()
    return None if obj is None else (field, obj)


def _target_url(field: str, obj: Any) -> str:
    if field == "organisation":
        return reverse("vendors:vendor_detail", kwargs={"vendor_slug": obj.slug})
    if field == "product":
        return reverse(
            "vendors:product_detail",
            kwargs={"vendor_slug": obj.organisation.slug, "product_slug": obj.slug},
        )
    return str(obj.get_absolute_url())


def follow_describe(*, subscription: Subscription) -> dict[str, Any]:
    """Return the target ``type`` (URL form), ``id``, ``name`` and ``url`` of a follow row."""
    for target_type, field in FOLLOW_TARGET_TYPES.items():
        obj = getattr(subscription, field)
        if obj is not None:
            return {
                "type": target_type,
                "id": obj.pk,
                "name": str(obj.title if field == "topic" else obj.name),
                "url": _target_url(field, obj),
                "level": subscription.level,
            }
    return {"type": "", "id": 0, "name": "", "url": "", "level": subscription.level}


def follow_target_url(*, field: str, obj: Any) -> str:
    """Return the page of a followed object (where the follow form sends you back)."""
    return _target_url(field, obj)


def notification_settings_get(*, viewer: Any) -> Any:
    """Return ``viewer``'s ``DiscussionSettings`` row, or None (the defaults apply)."""
    from discussions.models import DiscussionSettings

    if not permissions.is_active_member(viewer):
        return None
    return DiscussionSettings.objects.filter(user_id=viewer.pk).first()

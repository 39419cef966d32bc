"""``access_*``: the object when the viewer may read it, ``Http404`` when missing or not."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import OuterRef, Subquery
from django.http import Http404

from cop.core.prepared import PreparedQuery
from discussions.models import Post, Space, Subscription, Topic

from .reading import can_read_space, can_read_topic, can_see_post_body, is_active_member

# The space and the topic of their pages come with the viewer's follow level on
# them, read in the same statement (the follow control shows it on every page):
# ``obj.follow_level_of = (viewer ID, level or None)``, which
# ``discussions.selectors.follow_level_for`` uses for that viewer only.


def _viewer_id(viewer: Any) -> int:
    return int(viewer.pk) if is_active_member(viewer) else 0  # 0: nobody's ID


def _follow_level(target: str, viewer_id: int) -> Subquery:
    return Subquery(
        Subscription.objects.filter(user_id=viewer_id, **{target: OuterRef("pk")})
        .order_by("id")
        .values("level")[:1]
    )


def _follow_level_note(obj: Any, viewer_id: int) -> None:
    obj.follow_level_of = (viewer_id or None, obj.viewer_follow_level)


def access_space(viewer: Any, slug: str) -> Space:
    """Return the readable space ``slug``, or raise ``Http404``."""
    viewer_id = _viewer_id(viewer)
    space = cast("Space | None", SPACE_BY_SLUG.first(slug=slug, viewer_id=viewer_id))
    if space is None or not can_read_space(viewer, space):
        raise Http404
    _follow_level_note(space, viewer_id)
    return space


def _space_by_slug(slug: str, viewer_id: int) -> Any:
    return (
        Space.objects.filter(slug=slug)
        .select_related("working_group")
        .annotate(viewer_follow_level=_follow_level("space", viewer_id))
    )


# The space page's space, compiled once per process (cop.core.prepared).
SPACE_BY_SLUG = PreparedQuery(
    _space_by_slug, slug="zq-prepared-space-slug-zq", viewer_id=2_101_999_102
)


def access_topic(viewer: Any, topic_id: Any) -> Topic:
    """Return the readable topic ``topic_id``, or raise ``Http404``."""
    try:
        topic_pk = int(topic_id)
    except (TypeError, ValueError):
        raise Http404 from None
    viewer_id = _viewer_id(viewer)
    topic = cast(
        "Topic | None", TOPIC_WITH_LINKS.first(topic_id=topic_pk, viewer_id=viewer_id)
    )
    if topic is None or not can_read_topic(viewer, topic):
        raise Http404
    _follow_level_note(topic, viewer_id)
    return topic


def _topic_with_links(topic_id: int, viewer_id: int) -> Any:
    return (
        Topic.objects.filter(pk=topic_id)
        .select_related(
            "space", "product__organisation", "criterion", "red_flag", "author"
        )
        .annotate(viewer_follow_level=_follow_level("topic", viewer_id))
    )


# The topic page's topic, compiled once per process (cop.core.prepared).
TOPIC_WITH_LINKS = PreparedQuery(
    _topic_with_links, topic_id=2_101_999_101, viewer_id=2_101_999_102
)


def access_post(viewer: Any, post_id: Any) -> Post:
    """Return post ``post_id`` when ``viewer`` may read it and its topic, or raise ``Http404``."""
    try:
        post_pk = int(post_id)
    except (TypeError, ValueError):
        raise Http404 from None
    post = (
        Post.objects.filter(pk=post_pk)
        .select_related("topic__space", "topic__product__organisation", "author")
        .first()
    )
    if (
        post is None
        or not can_read_topic(viewer, post.topic)
        or not can_see_post_body(viewer, post)
    ):
        raise Http404
    return post

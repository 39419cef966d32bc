"""The vendor's response to a red flag, as the red flag panel shows it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from discussions import permissions
from discussions.models import Post, Topic, TopicKind
from discussions.selectors.posts import post_url

__all__ = ["RedFlagResponse", "red_flag_response"]


@dataclass(frozen=True)
class RedFlagResponse:
    """The vendor's first official response the viewer may read, and its roadmap item."""

    post: Post
    url: str
    roadmap_item: Any  # vendors.models.RoadmapItem or None


def red_flag_response(*, viewer: Any, topic: Topic) -> RedFlagResponse | None:
    """Return the vendor's response to red flag ``topic`` that ``viewer`` may read.

    One query (none for other topics): the earliest vendor-response post visible
    to the viewer, with the roadmap item it links (else the one the topic links) and
    that item's product, for a link to the product page's roadmap.
    """
    if topic.kind != TopicKind.RED_FLAG:
        return None
    post = (
        Post.objects.filter(topic_id=topic.pk, is_vendor_response=True)
        .filter(permissions.visible_post_q(viewer))
        .select_related("roadmap_item__product__organisation")
        .order_by("created_at", "pk")
        .first()
    )
    if post is None:
        return None
    post.topic = topic
    item = post.roadmap_item
    if item is None and topic.roadmap_item_id:
        from vendors.models import RoadmapItem

        item = (
            RoadmapItem.objects.select_related("product__organisation")
            .filter(pk=topic.roadmap_item_id)
            .first()
        )
    return RedFlagResponse(post=post, url=post_url(post=post), roadmap_item=item)

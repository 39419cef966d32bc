"""What creating and publishing a post shares: numbering, mentions, counters, hooks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max

from cop.members import permissions as member_permissions
from discussions import cache, markup, permissions
from discussions.models import EmbargoState, Mention, Post, ReviewState, Space, Topic
from discussions.services import notifications


def _needs_premoderation(actor: Any) -> bool:
    """Return whether ``actor``'s next post waits: fewer than N approved posts so far."""
    first_posts = int(settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS)
    if first_posts <= 0:
        return False
    if permissions.can_moderate(actor) or member_permissions.is_verified_vendor_rep(
        actor
    ):
        return False
    approved = Post.objects.filter(
        author_id=actor.pk, review_state=ReviewState.APPROVED
    )[:first_posts].count()
    return approved < first_posts


def _official_organisation_id(actor: Any, topic: Topic) -> int | None:
    """Return the vendor ``actor`` speaks for in ``topic`` (the product's, else the first)."""
    vendor_ids = member_permissions.represented_vendor_ids(actor)
    if not vendor_ids:
        return None
    product = topic.product if topic.product_id else None
    product_vendor = product.organisation_id if product is not None else None
    if product_vendor in vendor_ids:
        return product_vendor
    return min(vendor_ids)


def _post_new(
    *, actor: Any, topic: Topic, body: str, review_state: str, **extra: Any
) -> Post:
    """Create the next post of ``topic``, numbered under a lock on the topic row."""
    # The UPDATE takes the row lock first (PostgreSQL and SQLite alike); the locked
    # read returns the number this transaction owns.
    Topic.objects.filter(pk=topic.pk).update(last_post_number=F("last_post_number") + 1)
    number = (
        Topic.objects.select_for_update()
        .values_list("last_post_number", flat=True)
        .get(pk=topic.pk)
    )
    topic.last_post_number = number
    return Post.objects.create(
        topic=topic,
        number=number,
        author=actor,
        organisation_id=_official_organisation_id(actor, topic),
        body=body,
        body_html=markup.render_markdown(body),
        review_state=review_state,
        **extra,
    )


def _mentions_create(*, post: Post, text: str) -> list[int]:
    """Create ``Mention`` rows for the members ``text`` names who can read the topic."""
    from django.contrib.auth import get_user_model

    from cop.members.validators import display_name_key

    groups = markup.mention_groups(text)
    if not groups:
        return []
    keyed = [[display_name_key(name) for name in group] for group in groups]
    keys = {key for group in keyed for key in group}
    users = {
        user.display_name_key: user
        for user in get_user_model().objects.filter(
            display_name_key__in=keys, is_active=True
        )
    }
    chosen: dict[int, Any] = {}
    for group in keyed:
        user = next((users[key] for key in group if key in users), None)
        if user is not None and user.pk != post.author_id:
            chosen[user.pk] = user
    permissions.roles_prefetch(list(chosen.values()))
    topic = post.topic
    readers = [
        user for user in chosen.values() if permissions.can_read_topic(user, topic)
    ]
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in readers], ignore_conflicts=True
    )
    return [user.pk for user in readers]


def topic_counters_refresh(*, topic: Topic) -> Topic:
    """Recompute ``topic``'s post count and last activity from its visible posts.

    Locks the topic row first, so concurrent refreshes see each other's posts.
    ``last_post_number`` (the numbering counter) never goes back.
    """
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        visible = Post.objects.filter(
            topic_id=topic.pk, review_state=ReviewState.APPROVED, hidden_at__isnull=True
        )
        last = visible.order_by("-number").values("created_at", "author_id").first()
        topic.post_count = visible.count()
        topic.last_post_number = max(
            locked.last_post_number,
            Post.objects.filter(topic_id=topic.pk).aggregate(n=Max("number"))["n"] or 0,
        )
        topic.last_activity_at = last["created_at"] if last else locked.created_at
        topic.last_poster_id = last["author_id"] if last else None
        topic.save(
            update_fields=[
                "post_count",
                "last_post_number",
                "last_activity_at",
                "last_poster",
            ]
        )
        cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return topic


def space_counters_refresh(*, space: Space) -> Space:
    """Recompute ``space``'s topic count and last activity from the topics all readers see."""
    with transaction.atomic():
        Space.objects.select_for_update().filter(pk=space.pk).first()
        visible = Topic.objects.filter(
            space_id=space.pk,
            review_state=ReviewState.APPROVED,
            hidden_at__isnull=True,
            merged_into__isnull=True,
        ).exclude(embargo_state=EmbargoState.EMBARGOED)
        space.topic_count = visible.count()
        space.last_activity_at = visible.aggregate(at=Max("last_activity_at"))["at"]
        space.save(update_fields=["topic_count", "last_activity_at"])
        cache.content_changed(space_id=space.pk)
    return space


def post_publish_effects(*, post: Post) -> None:
    """Do what follows a post becoming visible: counters, mentions, notifications, caches.

    Called by the posting services for posts that need no review and by
    moderation when it approves a post (approve the topic first for an opening post).
    """
    with transaction.atomic():
        topic = post.topic
        topic_counters_refresh(topic=topic)
        space_counters_refresh(space=topic.space)
        _mentions_create(post=post, text=post.body)
        notifications.notify_post_published(post=post)
        cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)

"""The discussions' part of a member's data export and erasure (``cop.privacy.hooks``).

Erasure keeps the conversation readable for others: with ``keep_posts`` the posts
stay as a former member's (no name, no profile link); otherwise they are deleted,
except an opening post that others replied to, whose text is replaced so the replies
keep their topic. Either way the member's display name is replaced in the mentions
and quote headers of every other post (and its revisions), and every counter the
member's rows fed is recomputed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cop.privacy.hooks import (
    DataPart,
    member_data,
    oldest_pks,
    retention_purgers,
    rows,
)
from discussions import cache, markup
from discussions.models import (
    DigestDelivery,
    DiscussionSettings,
    HelpfulMark,
    Mention,
    ModerationEvent,
    Notification,
    Post,
    PostFlag,
    PostRevision,
    ReadState,
    Space,
    Subscription,
    Topic,
)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~@])")


def export_discussions(user: Any) -> Mapping[str, Any]:
    """Return the member's discussion data, one entry per file."""
    posts = Post.objects.filter(author=user).order_by("created_at", "pk")
    return {
        "topics": rows(
            Topic.objects.filter(author=user).order_by("created_at", "pk"),
            ["id", "title", "space__name", "kind", "created_at"],
        ),
        "posts": rows(
            posts,
            [
                "id",
                "topic_id",
                "topic__title",
                "number",
                "body",
                "created_at",
                "edited_at",
                "review_state",
                "hidden_at",
            ],
        ),
        "post_revisions": rows(
            PostRevision.objects.filter(
                Q(post__author=user) | Q(edited_by=user)
            ).order_by("post_id", "number"),
            ["post_id", "number", "body", "note", "created_at"],
        ),
        "flags_raised": rows(
            PostFlag.objects.filter(flagger=user).order_by("created_at"),
            ["post_id", "reason", "text", "created_at", "resolved_at", "resolution"],
        ),
        "helpful_marks": rows(
            HelpfulMark.objects.filter(user=user).order_by("created_at"),
            ["post_id", "created_at"],
        ),
        "mentions": rows(
            Mention.objects.filter(user=user).order_by("created_at"),
            ["post_id", "created_at"],
        ),
        "follows": rows(
            Subscription.objects.filter(user=user).order_by("created_at"),
            [
                "level",
                "space_id",
                "topic_id",
                "tag_id",
                "organisation_id",
                "product_id",
                "created_at",
            ],
        ),
        "notifications": rows(
            Notification.objects.filter(user=user).order_by("created_at"),
            [
                "kind",
                "topic_id",
                "post_id",
                "product_id",
                "data",
                "created_at",
                "read_at",
                "emailed_at",
            ],
        ),
        "digest_settings": rows(
            DiscussionSettings.objects.filter(user=user),
            [
                "reading_history",
                "email_notifications",
                "digest_frequency",
                "digest_hour",
                "digest_weekday",
                "time_zone",
                "last_digest_at",
            ],
        ),
        "digest_deliveries": rows(
            DigestDelivery.objects.filter(user=user).order_by("period_start"),
            ["period_start", "period_end", "state", "sent_at", "item_count"],
        ),
        "reading_history": rows(
            ReadState.objects.filter(user=user).order_by("topic_id"),
            ["topic_id", "last_read_number", "updated_at"],
        ),
        "moderation_about_you": rows(
            ModerationEvent.objects.filter(subject=user).order_by("created_at"),
            ["action", "topic_id", "post_id", "reason", "created_at"],
        ),
    }


def _name_patterns(name: str) -> list[re.Pattern[str]]:
    """Return the patterns that name ``name`` in Markdown: mentions and quote headers."""
    plain = re.escape(name)
    escaped = re.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", name))
    return [
        re.compile(rf"(?<![\w@.])@(?:\"{plain}\"|\[{plain}\]|{plain}(?![\w]))", re.I),
        re.compile(rf"\*\*{escaped}\*\*(?= \[)", re.I),
    ]


def _replace_name(text: str, patterns: list[re.Pattern[str]], former: str) -> str:
    text = patterns[0].sub(former, text)
    return patterns[1].sub(f"**{former}**", text)


def _names_replace(user: Any) -> set[int]:
    """Replace ``user``'s display name in every post and revision; return topic IDs."""
    name = (user.display_name or "").strip()
    if not name:
        return set()
    patterns = _name_patterns(name)
    former = _("a former member")
    topics: set[int] = set()
    for post in Post.objects.filter(body__icontains=name).only(
        "pk", "topic_id", "body"
    ):
        body = _replace_name(post.body, patterns, former)
        if body != post.body:
            post.body = body
            post.body_html = markup.render_markdown(body)
            post.save(update_fields=["body", "body_html"])
            topics.add(post.topic_id)
    for revision in PostRevision.objects.filter(body__icontains=name).only(
        "pk", "body"
    ):
        body = _replace_name(revision.body, patterns, former)
        if body != revision.body:
            revision.body = body
            revision.save(update_fields=["body"])
    return topics


def _posts_delete(user: Any) -> set[int]:
    """Delete ``user``'s posts (and topics only they wrote in); return surviving topics."""
    topic_ids = set(Post.objects.filter(author=user).values_list("topic_id", flat=True))
    shared = set(
        Post.objects.filter(topic_id__in=topic_ids)
        .exclude(author=user)
        .values_list("topic_id", flat=True)
    )
    openers = Post.objects.filter(author=user, number=1, topic_id__in=shared)
    removed = _("This post was removed by its author.")
    for post in openers:
        PostRevision.objects.filter(post=post).delete()
        post.body = removed
        post.body_html = markup.render_markdown(removed)
        post.author = None
        post.save(update_fields=["body", "body_html", "author"])
    Post.objects.filter(author=user).delete()
    Topic.objects.filter(pk__in=topic_ids - shared).delete()
    return shared


def erase_discussions(*, user: Any, keep_posts: bool) -> None:
    """Remove the member's discussion rows and anonymise or delete their posts."""
    from discussions.services import posting

    marked = list(
        HelpfulMark.objects.filter(user=user).values_list("post_id", flat=True)
    )
    touched = set(Post.objects.filter(author=user).values_list("topic_id", flat=True))
    touched |= _names_replace(user)
    spaces = set(
        Topic.objects.filter(pk__in=touched).values_list("space_id", flat=True)
    )
    if not keep_posts:
        surviving = _posts_delete(user)
        for topic in Topic.objects.filter(pk__in=surviving):
            posting.topic_counters_refresh(topic=topic)
    HelpfulMark.objects.filter(user=user).delete()
    Post.objects.filter(pk__in=marked).update(
        helpful_count=Coalesce(
            Subquery(
                HelpfulMark.objects.filter(post_id=OuterRef("pk"))
                .values("post_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )
    )
    for space in Space.objects.filter(pk__in=spaces):
        posting.space_counters_refresh(space=space)
    for topic_id, space_id in Topic.objects.filter(pk__in=touched).values_list(
        "pk", "space_id"
    ):
        cache.content_changed(space_id=space_id, topic_id=topic_id)


#: Every discussions model that holds a member's rows: exported and erased alike.
_MEMBER_MODELS = (
    "discussions.Topic",
    "discussions.Post",
    "discussions.PostRevision",
    "discussions.PostFlag",
    "discussions.HelpfulMark",
    "discussions.Mention",
    "discussions.Subscription",
    "discussions.Notification",
    "discussions.DiscussionSettings",
    "discussions.DigestDelivery",
    "discussions.ReadState",
    "discussions.ModerationEvent",
)


def register() -> None:
    """Register the discussions' part of the member data registry and its purgers."""
    register_retention()
    member_data.register(
        "discussions",
        DataPart(
            export=export_discussions,
            erase=erase_discussions,
            exports=_MEMBER_MODELS,
            erases=_MEMBER_MODELS,
        ),
        order=100,
    )


def _purge_notifications(*, cutoff: Any, limit: int) -> int:
    ids = oldest_pks(Notification.objects.filter(created_at__lt=cutoff), limit)
    Notification.objects.filter(pk__in=ids).delete()
    return len(ids)


def _purge_digest_deliveries(*, cutoff: Any, limit: int) -> int:
    ids = oldest_pks(DigestDelivery.objects.filter(period_end__lt=cutoff), limit)
    DigestDelivery.objects.filter(pk__in=ids).delete()
    return len(ids)


def register_retention() -> None:
    """Register the purgers of the discussions' records with a retention period."""
    retention_purgers.register("notifications", _purge_notifications)
    retention_purgers.register("digest_deliveries", _purge_digest_deliveries)

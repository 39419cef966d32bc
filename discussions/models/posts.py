"""Posts, their edit history, helpful marks and mentions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from wagtail.search import index

from cop.db import TimeStampedModel

from .topics import ReviewState

#: Longest Markdown body accepted, in characters (a long post is ~10,000).
BODY_MAX_LENGTH = 50_000
#: Posts per page of a topic. Page ``N`` holds posts ``(N - 1) * POSTS_PER_PAGE + 1``
#: to ``N * POSTS_PER_PAGE``, so a post's page is the same for every viewer.
POSTS_PER_PAGE = 25


def post_page_number(number: int) -> int:
    """Return the page of a topic that holds post ``number``."""
    return max(number - 1, 0) // POSTS_PER_PAGE + 1


class Post(index.Indexed, TimeStampedModel):
    """One Markdown message in a topic; ``number`` 1 is the topic's opening post.

    ``body`` is the member's Markdown source and is never rendered as trusted;
    ``body_html`` is the sanitised rendering, rebuilt by the posting services on
    every edit. ``organisation`` is set when a verified vendor representative posts
    officially on behalf of their organisation (shown with an "official" mark).
    """

    topic = models.ForeignKey(
        "discussions.Topic", on_delete=models.CASCADE, related_name="posts"
    )
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_posts",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="official_posts",
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    body_html = models.TextField(blank=True)
    quote_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quoted_by",
    )
    roadmap_item = models.ForeignKey(
        "vendors.RoadmapItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_posts",
    )
    is_vendor_response = models.BooleanField(default=False)

    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED
    )
    rejection_reason = models.TextField(blank=True, max_length=2000)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(
        max_length=16, blank=True
    )  # "flags" or "moderator"
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    helpful_count = models.PositiveIntegerField(default=0)
    open_flag_count = models.PositiveIntegerField(default=0)

    search_fields = [
        index.SearchField("body"),
        index.FilterField("topic_id"),
        index.FilterField("review_state"),
        index.FilterField("hidden_at"),
    ]

    class Meta:
        ordering = ["topic_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "number"], name="discussions_post_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="discussions_post_number_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["review_state", "created_at"], name="disc_post_review"
            ),
            models.Index(fields=["author", "created_at"], name="disc_post_author"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} in topic {self.topic_id}"

    def get_absolute_url(self) -> str:
        """Return the topic page that holds this post, with the post's anchor."""
        page = post_page_number(self.number)
        query = f"?page={page}" if page > 1 else ""
        return f"{self.topic.get_absolute_url()}{query}#post-{self.number}"

    @property
    def is_visible_to_all(self) -> bool:
        """Return whether readers of the topic see this post (approved, not hidden)."""
        return self.review_state == ReviewState.APPROVED and self.hidden_at is None


class PostRevision(models.Model):
    """An earlier body of a post, kept when the post is edited (the visible edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "number"], name="discussions_revision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of post {self.post_id}"


class HelpfulMark(models.Model):
    """A member found a post helpful (one mark per member and post)."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="helpful_marks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="discussions_helpful_once"
            )
        ]

    def __str__(self) -> str:
        return f"helpful {self.post_id} by {self.user_id}"


class Mention(models.Model):
    """A post @mentions a member; the notification hook reads these rows."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="discussions_mention_once"
            )
        ]

    def __str__(self) -> str:
        return f"mention of {self.user_id} in {self.post_id}"

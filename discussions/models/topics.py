"""Topics: a question, a red flag, a disclosure discussion or a general conversation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from cop.db import TimeStampedModel


class TopicKind(models.TextChoices):
    """What a topic is for; decides which links and fields it may carry."""

    QUESTION = "question", _("Licensing question")
    RED_FLAG = "red_flag", _("Red flag")
    DISCLOSURE = "disclosure", _("Disclosure discussion")
    GENERAL = "general", _("General")


class ReviewState(models.TextChoices):
    """Pre-moderation state shared by topics and posts."""

    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class EmbargoState(models.TextChoices):
    """Where a coordinated red flag is in its vendor response window."""

    NONE = "none", _("Not embargoed")
    EMBARGOED = "embargoed", _("In the vendor's response window")
    RELEASED = "released", _("Published with the vendor's response")


class Topic(index.Indexed, TimeStampedModel):
    """A conversation in a space.

    Visibility is the space's rule, narrowed by ``review_state`` (pending topics are
    seen by their author and moderators), ``hidden_at`` and, for a coordinated red
    flag, ``embargo_state``: while it is ``embargoed`` only the author, moderators
    and the verified representatives of ``embargo_vendor`` can see it. The rules
    live in ``discussions.permissions`` and the selectors apply them.
    """

    space = models.ForeignKey(
        "discussions.Space", on_delete=models.PROTECT, related_name="topics"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_topics",
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=TopicKind.choices, default=TopicKind.GENERAL
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    tags = models.ManyToManyField("discussions.Tag", related_name="topics", blank=True)

    # Links to the reference data and the vendors' products.
    product = models.ForeignKey(
        "vendors.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_topics",
    )
    criterion = models.ForeignKey(
        "privacy.Criterion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_topics",
    )
    red_flag = models.ForeignKey(
        "privacy.RedFlag",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_topics",
    )
    document_version = models.CharField(
        _("contract or policy version"), max_length=120, blank=True
    )
    document_date = models.DateField(
        _("contract or policy date"), null=True, blank=True
    )
    clause_reference = models.CharField(
        _("clause reference"), max_length=120, blank=True
    )

    # Coordinated red flags.
    embargo_state = models.CharField(
        max_length=12, choices=EmbargoState.choices, default=EmbargoState.NONE
    )
    embargo_vendor = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="embargoed_topics",
    )
    embargo_ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    roadmap_item = models.ForeignKey(
        "vendors.RoadmapItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="discussion_topics",
    )

    # Moderation.
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.APPROVED
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_topics",
    )

    # Q&A.
    accepted_answer = models.OneToOneField(
        "discussions.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_for",
    )

    # Denormalised by the posting services so lists need no aggregate queries.
    post_count = models.PositiveIntegerField(default=0)
    last_post_number = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(db_index=True)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.FilterField("space_id"),
        index.FilterField("kind"),
        index.FilterField("review_state"),
        index.FilterField("embargo_state"),
        index.FilterField("hidden_at"),
        index.FilterField("last_activity_at"),
    ]

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        # The space page's order (pinned first, then latest activity) has its index
        # in migration 0003: PostgreSQL needs "NULLS LAST", which SQLite's CREATE
        # INDEX does not accept, so Meta cannot declare it for both.
        indexes = [
            models.Index(
                fields=["product", "-last_activity_at"], name="disc_topic_product"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(embargo_state="embargoed")
                | (Q(embargo_vendor__isnull=False) & Q(embargo_ends_at__isnull=False)),
                name="discussions_topic_embargo_complete",
            ),
            models.CheckConstraint(
                condition=Q(kind="red_flag") | Q(embargo_state="none"),
                name="discussions_topic_embargo_only_red_flags",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["question", "red_flag"])
                | (Q(criterion__isnull=True) & Q(red_flag__isnull=True)),
                name="discussions_topic_reference_links_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="question") | Q(accepted_answer__isnull=True),
                name="discussions_topic_answer_only_questions",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True)
                | ~Q(duplicate_of=models.F("id")),
                name="discussions_topic_not_own_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "discussions:topic", kwargs={"topic_id": self.pk, "slug": self.slug or "-"}
        )

    @property
    def is_embargoed(self) -> bool:
        """Return whether the topic is in its vendor response window."""
        return self.embargo_state == EmbargoState.EMBARGOED

    @property
    def is_locked(self) -> bool:
        """Return whether new posts are refused."""
        return self.locked_at is not None or self.duplicate_of_id is not None

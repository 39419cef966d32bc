"""Follows, the notification outbox and digest deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

_TARGETS = ("space", "topic", "tag", "organisation", "product")


class FollowLevel(models.TextChoices):
    """How closely a member follows something."""

    WATCHING = "watching", _("Watching: every new post or change")
    NORMAL = "normal", _("Normal: only what involves me")
    MUTED = "muted", _("Muted: never, not even in digests")


class Subscription(models.Model):
    """A member's follow level on exactly one space, topic, tag, vendor or product."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    level = models.CharField(max_length=10, choices=FollowLevel.choices)
    space = models.ForeignKey(
        "discussions.Space",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    topic = models.ForeignKey(
        "discussions.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    tag = models.ForeignKey(
        "discussions.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "vendors.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        space__isnull=False,
                        topic__isnull=True,
                        tag__isnull=True,
                        organisation__isnull=True,
                        product__isnull=True,
                    )
                    | Q(
                        space__isnull=True,
                        topic__isnull=False,
                        tag__isnull=True,
                        organisation__isnull=True,
                        product__isnull=True,
                    )
                    | Q(
                        space__isnull=True,
                        topic__isnull=True,
                        tag__isnull=False,
                        organisation__isnull=True,
                        product__isnull=True,
                    )
                    | Q(
                        space__isnull=True,
                        topic__isnull=True,
                        tag__isnull=True,
                        organisation__isnull=False,
                        product__isnull=True,
                    )
                    | Q(
                        space__isnull=True,
                        topic__isnull=True,
                        tag__isnull=True,
                        organisation__isnull=True,
                        product__isnull=False,
                    )
                ),
                name="discussions_subscription_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", target],
                    condition=Q(**{f"{target}__isnull": False}),
                    name=f"discussions_subscription_once_{target}",
                )
                for target in _TARGETS
            ],
        ]
        indexes = [
            models.Index(fields=[target, "level"], name=f"disc_sub_{target}_level")
            for target in _TARGETS
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level}"


class NotificationKind(models.TextChoices):
    """What happened that a member is told about."""

    MENTION = "mention", _("You were mentioned")
    REPLY = "reply", _("A reply in a topic you follow")
    ANSWER_ACCEPTED = "answer_accepted", _("Your answer was accepted")
    VENDOR_RESPONSE = "vendor_response", _("A vendor responded to your red flag")
    RED_FLAG_RAISED = (
        "red_flag_raised",
        _("A red flag about your product awaits your response"),
    )
    RED_FLAG_PUBLISHED = "red_flag_published", _("A red flag was published")
    DISCLOSURE_CHANGED = "disclosure_changed", _("A disclosure changed")
    ROADMAP_CHANGED = "roadmap_changed", _("A roadmap item changed status")
    POST_REJECTED = "post_rejected", _("A moderator did not approve your post")
    POST_APPROVED = "post_approved", _("A moderator approved your post")
    GUIDE_REVIEW_DUE = "guide_review_due", _("A guide is due for review")


class EmailState(models.TextChoices):
    """Where a notification's e-mail is (the outbox state)."""

    NONE = "none", _("No e-mail wanted")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Claimed by a worker")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed permanently")


class Notification(models.Model):
    """One thing to tell one member: the on-site notification and the e-mail outbox row.

    Written in the same transaction as the post or change that caused it, so a
    notification exists exactly when its cause does; e-mails are sent from here by
    tasks, and a sweeper re-enqueues rows left ``pending`` (e.g. while Redis was down)
    once their ``email_next_attempt_at`` (the retry backoff) has come.
    ``data`` holds IDs and codes only.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    topic = models.ForeignKey(
        "discussions.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.ForeignKey(
        "discussions.Post",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "vendors.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    # Sending: the claim time; sent: the send time.
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Pending after a transient failure: not to be tried before this (the backoff).
    email_next_attempt_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="disc_notif_unread"),
            models.Index(
                fields=["email_state", "created_at"], name="disc_notif_outbox"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "post"],
                condition=Q(post__isnull=False),
                name="discussions_notification_once_per_post",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"


class NotificationEvent(models.Model):
    """Something many members may have to hear of, recorded in its cause's transaction.

    One row per post and kind (a post became visible; a red flag, through its
    opening post, was published) replaces the one ``Notification`` per watcher that
    the request used to write: the row commits
    with the post, so no notification is lost when the broker or a worker fails,
    and ``notification_event_fan_out`` expands it into ``Notification`` rows in
    batches of watchers ordered by user ID. ``cursor`` is the last user ID done
    (NULL: the members named directly, such as the mentioned ones, are not done
    yet), so a killed or repeated task resumes where the last one stopped and
    writes nothing twice. ``done_at`` is set once every watcher was seen.
    """

    class Kind(models.TextChoices):
        POST_PUBLISHED = "post_published", _("A post became visible")
        RED_FLAG_RELEASED = "red_flag_released", _("A red flag was published")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    post = models.ForeignKey(
        "discussions.Post", on_delete=models.CASCADE, related_name="+"
    )
    cursor = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "kind"], name="discussions_notification_event_once"
            )
        ]
        indexes = [
            # The sweeper's query: the few events not yet fanned out, oldest first.
            models.Index(
                fields=["updated_at"],
                condition=Q(done_at__isnull=True),
                name="disc_notif_event_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.post_id}"


class DigestDelivery(models.Model):
    """One member's digest for one period: claimed before building, marked after sending.

    The unique (user, period_start) row is the idempotency fact: a redelivered,
    retried or duplicated task finds it sent and does nothing.
    """

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Being built and sent")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing new: no e-mail")
        FAILED = "failed", _("Failed permanently")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_deliveries",
    )
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    item_count = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_start"],
                name="discussions_digest_once_per_period",
            )
        ]
        indexes = [
            models.Index(fields=["state", "claimed_at"], name="disc_digest_state")
        ]

    def __str__(self) -> str:
        return f"digest {self.user_id} {self.period_start:%Y-%m-%d %H:%M}"

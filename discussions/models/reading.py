"""Per-member discussion settings and the opt-in reading state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cop.db import TimeStampedModel


class DigestFrequency(models.TextChoices):
    """How often a member gets the digest e-mail."""

    OFF = "off", _("Off")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DiscussionSettings(TimeStampedModel):
    """A member's choices for discussions, notifications and digests.

    A member without a row has the defaults: reading history off, digest weekly on
    Monday at 08:00 UTC, instant e-mails off.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="discussion_settings",
    )
    reading_history = models.BooleanField(
        _("remember what I have read"),
        default=False,
        help_text=_(
            "Off by default. When on, cop keeps the last post you read in each topic "
            "to show unread markers. Turning it off deletes what was kept."
        ),
    )
    email_notifications = models.BooleanField(_("instant e-mails"), default=False)
    digest_frequency = models.CharField(
        _("digest"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    digest_hour = models.PositiveSmallIntegerField(_("local hour"), default=8)
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekday (weekly digest)"), default=0, help_text=_("0 is Monday.")
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    # Delivery health of the member's address.
    bounce_count = models.PositiveSmallIntegerField(default=0)
    bouncing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "discussion settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__gte=0) & Q(digest_hour__lte=23),
                name="discussions_settings_hour_range",
            ),
            models.CheckConstraint(
                condition=Q(digest_weekday__gte=0) & Q(digest_weekday__lte=6),
                name="discussions_settings_weekday_range",
            ),
        ]

    def __str__(self) -> str:
        return f"discussion settings of {self.user_id}"


class ReadState(models.Model):
    """The last post number a member read in a topic (kept only with reading history on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states"
    )
    topic = models.ForeignKey(
        "discussions.Topic", on_delete=models.CASCADE, related_name="read_states"
    )
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"], name="discussions_read_state_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.topic_id} to {self.last_read_number}"

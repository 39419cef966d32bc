"""Member flags and the moderation log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FlagReason(models.TextChoices):
    """Why a member flags a post."""

    OFF_TOPIC = "off_topic", _("Off-topic")
    UNCONSTRUCTIVE = "unconstructive", _("Unconstructive or a personal attack")
    PERSONAL_DATA = "personal_data", _("Reveals someone's personal data")
    CONFIDENTIAL = "confidential", _("Reveals confidential contract terms")
    SPAM = "spam", _("Spam")
    OTHER = "other", _("Something else (please say what)")


class PostFlag(models.Model):
    """One member's flag on a post; open until a moderator resolves it."""

    class Resolution(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the post was hidden or edited")
        DISMISSED = "dismissed", _("Dismissed: the post was restored")

    post = models.ForeignKey(
        "discussions.Post", on_delete=models.CASCADE, related_name="flags"
    )
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="post_flags",
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    text = models.TextField(blank=True, max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=12, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "flagger"], name="discussions_flag_once_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(text=""),
                name="discussions_flag_other_needs_text",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "post"], name="disc_flag_open")]

    def __str__(self) -> str:
        return f"{self.reason} flag on post {self.post_id}"


class ModerationAction(models.TextChoices):
    """Every action a moderator (or the auto-hide rule, or the embargo job) can take."""

    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")
    HIDE = "hide", _("Hidden")
    AUTO_HIDE = "auto_hide", _("Hidden automatically after flags")
    RESTORE = "restore", _("Restored")
    EDIT = "edit", _("Edited by a moderator")
    LOCK = "lock", _("Locked")
    UNLOCK = "unlock", _("Unlocked")
    PIN = "pin", _("Pinned")
    UNPIN = "unpin", _("Unpinned")
    MOVE = "move", _("Moved")
    MERGE = "merge", _("Merged")
    DUPLICATE = "duplicate", _("Closed as duplicate")
    SLOW_MODE = "slow_mode", _("Slow mode changed")
    SUSPEND = "suspend", _("Member suspended")
    DISMISS_FLAGS = "dismiss_flags", _("Flags dismissed")
    RELEASE = "release", _("Red flag published")
    ACCEPT_ANSWER = "accept_answer", _("Answer accepted by a moderator")


class ModerationEvent(models.Model):
    """One moderation action: the audit log of the discussions.

    Written inside the service that acts (actor, target, action, reason, time,
    IDs only in ``extra``). The public moderation log shows ``action``, ``space``,
    ``reason`` and the time, never the actor nor the member concerned.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    space = models.ForeignKey(
        "discussions.Space",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    topic = models.ForeignKey(
        "discussions.Topic",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    post = models.ForeignKey(
        "discussions.Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_events",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member concerned (never shown publicly)."),
    )
    reason = models.TextField(blank=True, max_length=2000)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.created_at:%Y-%m-%d %H:%M}"

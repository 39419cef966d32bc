"""Suspensions: a moderator's decision to lock a member out, with its reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cop.db import TimeStampedModel
from cop.members.models.users import User


class Suspension(TimeStampedModel):
    """One period during which a member could not sign in.

    Open while ``ended_at`` is empty; at most one open suspension per member. The
    account's ``is_active`` flag mirrors whether an open suspension exists.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.TextField(max_length=1000)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="uniq_open_suspension_per_user",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="suspension_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"suspension #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class ModeratedMember(User):
    """Members as the moderators' admin list shows them (a proxy: no table of its own).

    A separate model so that its admin permission policy never touches Wagtail's own
    user management of ``User``.
    """

    class Meta:
        proxy = True
        verbose_name = "member"
        verbose_name_plural = "members"

    def __str__(self) -> str:
        return self.public_name

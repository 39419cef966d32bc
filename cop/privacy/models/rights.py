"""Records of the members' data rights: erasures done and data exports offered."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Erasure(models.Model):
    """An erased account, recorded by its ID only so a restore can erase it again.

    Nothing here identifies the person: the user ID of a deleted row and when that
    account was created, whether the posts were kept as a former member's, and who
    asked (the member, a moderator, or the retention job).
    """

    class Requester(models.TextChoices):
        MEMBER = "member", "The member"
        MODERATOR = "moderator", "A moderator, on request"
        RETENTION = "retention", "The retention job (unconfirmed account)"

    user_id = models.PositiveBigIntegerField(unique=True)
    # When the erased account was created: with the ID it tells the erased account
    # apart from a later one that reused the ID, so a replay never erases the wrong one.
    joined_at = models.DateTimeField(null=True, blank=True)
    keep_posts = models.BooleanField()
    requested_by = models.CharField(max_length=10, choices=Requester.choices)
    # The moderator's reason (a request reference), never the member's data.
    reason = models.TextField(blank=True, max_length=500)
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-erased_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_by__in=["member", "moderator", "retention"]),
                name="erasure_requested_by_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"erasure of user #{self.user_id}"


class DataExport(models.Model):
    """A member's request for their data and the ZIP file built for it."""

    class State(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    # Names the file on disk, so a file name reveals neither the member nor the order.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "ready", "failed"]),
                name="data_export_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"data export #{self.pk}"

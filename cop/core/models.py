"""Models for site-wide infrastructure."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the scheduled heartbeat task (one row per worker name)."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    beats = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"{self.worker} @ {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditEvent(models.Model):
    """One audited decision: who did what to which object, when and why.

    Written inside the service that makes the change (never by a signal), for every
    moderation action, affiliation decision, publication and suspension. ``extra``
    holds IDs and codes only, never personal data.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(max_length=64)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True, max_length=2000)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.action} on {self.target_type_id}:{self.target_id}"

"""Models for site-wide infrastructure."""

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

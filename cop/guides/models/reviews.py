"""Review reminders: which guide was reported overdue to the moderators, and when."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cop.db import TimeStampedModel


class GuideReviewReminder(TimeStampedModel):
    """One reminder that ``guide`` is due for review, for one review period.

    ``due_on`` is the day the period ran out (the last review, or the first publish,
    plus a whole number of ``COP_GUIDES_REVIEW_MONTHS``), so a guide is reported once
    per period: the unique constraint makes a second run, or a redelivered task, a
    no-op. ``sent_at`` stays empty until the moderators' e-mail went out, so a failed
    send is retried by the next run. ``notified_at`` is set in the transaction that
    writes the moderators' in-app notifications, so they get one per guide and period.
    """

    guide = models.ForeignKey(
        "guides.GuidePage", on_delete=models.CASCADE, related_name="review_reminders"
    )
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("guide review reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "due_on"], name="uniq_guide_review_reminder_period"
            ),
        ]

    def __str__(self) -> str:
        return f"guide {self.guide_id} due {self.due_on}"

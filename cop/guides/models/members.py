"""What members keep on the guides: section follows and saved checklist answers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cop.db import TimeStampedModel


class FollowedSection(models.TextChoices):
    """The parts of the guides a member can follow in their digest."""

    GUIDES = "guides", _("New and updated guides")
    EVENTS = "events", _("Upcoming events")


class SectionFollow(TimeStampedModel):
    """A member follows the guides or the events: they appear in the member's digest.

    The row exists while the member follows; unfollowing deletes it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guides_section_follows",
    )
    section = models.CharField(max_length=10, choices=FollowedSection.choices)

    class Meta:
        verbose_name = _("followed section")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section"], name="uniq_guides_section_follow"
            ),
            models.CheckConstraint(
                condition=models.Q(section__in=FollowedSection.values),
                name="guides_section_follow_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.section}"


class SavedChecklistAnswers(TimeStampedModel):
    """A member's self-assessment of one checklist, saved only when they asked to.

    ``answers`` maps an item code to ``{"status": ..., "who": ...}``, exactly what
    the page keeps in the browser; the services check it against the checklist's
    items before saving. Deleted in one click, exported and erased with the member.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_checklist_answers",
    )
    page = models.ForeignKey(
        "guides.ChecklistPage",
        on_delete=models.CASCADE,
        related_name="saved_answers",
    )
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("saved checklist answers")
        verbose_name_plural = _("saved checklist answers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page"], name="uniq_saved_checklist_answers"
            ),
        ]

    def __str__(self) -> str:
        return f"answers of {self.user_id} on {self.page_id}"

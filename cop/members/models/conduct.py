"""The code of conduct: published versions and who accepted which, when."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, RevisionMixin

from cop.db import TimeStampedModel


class CodeOfConductVersion(DraftStateMixin, RevisionMixin, TimeStampedModel):
    """One version of the code of conduct, written and published in the Wagtail admin.

    The live version with the latest ``first_published_at`` is the one in force.
    Publishing a new version asks every member to accept it at their next visit;
    fixing a typo in a version that is already live does not.
    """

    version = models.CharField(
        _("version"),
        max_length=20,
        unique=True,
        help_text=_("A short label such as 2.0; members see it when they accept."),
    )
    body = models.TextField(
        _("text"),
        max_length=50_000,
        help_text=_("Markdown. Raw HTML is not allowed and is shown as text."),
    )
    summary_of_changes = models.TextField(
        _("what changed"),
        max_length=2000,
        blank=True,
        help_text=_("Shown to members who accepted an earlier version."),
    )

    class Meta:
        verbose_name = _("code of conduct version")
        verbose_name_plural = _("code of conduct versions")
        ordering = ["-first_published_at", "-pk"]

    def __str__(self) -> str:
        return f"Code of conduct {self.version}"

    @property
    def published_at(self) -> datetime | None:
        """Return when this version was first published (``None`` while a draft)."""
        published: datetime | None = self.first_published_at
        return published


class CodeOfConductAcceptance(models.Model):
    """A member's acceptance of one version: who, which version, when. Never edited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conduct_acceptances",
    )
    version = models.ForeignKey(
        CodeOfConductVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("code of conduct acceptance")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="uniq_conduct_acceptance_user_version"
            ),
        ]

    def __str__(self) -> str:
        return f"acceptance #{self.pk}"

"""Invitations of a vendor's representative, sent by a moderator by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from cop.db import TimeStampedModel
from cop.members.models.organisations import Organisation


class AffiliationInvitation(TimeStampedModel):
    """A link e-mailed to a person; accepting it verifies their affiliation at once.

    Only a hash of the link's token is stored. The invitation is for one address:
    whoever accepts must have verified that address in their account.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, default="representative")
    message = models.TextField(blank=True, max_length=1000)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["member", "representative"]),
                name="invitation_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"

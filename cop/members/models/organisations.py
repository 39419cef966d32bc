"""Organisations (vendors and libraries) and the memberships that tie people to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cop.db import TimeStampedModel


class Organisation(TimeStampedModel):
    """A vendor or a library (or the community itself) that members belong to."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", "Vendor"
        LIBRARY = "library", "Library"
        COMMUNITY = "community", "Community"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True, max_length=2000)
    # Lower-case domains (``example.org``) whose verified addresses fast-track affiliation.
    email_domains = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["vendor", "library", "community"]),
                name="organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("members:organisation_detail", kwargs={"slug": self.slug})


class Membership(TimeStampedModel):
    """A person's affiliation with an organisation, from request to verification.

    Only ``verified`` memberships confer rights; ``requested`` is an affiliation request
    waiting for a domain match or a moderator.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        REPRESENTATIVE = "representative", "Representative"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        VERIFIED = "verified", "Verified"
        DECLINED = "declined", "Declined"
        REVOKED = "revoked", "Revoked"
        WITHDRAWN = "withdrawn", "Withdrawn"
        LEFT = "left", "Left"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, max_length=1000)
    # The member's optional note to the moderators when asking to join.
    message = models.TextField(blank=True, max_length=1000)
    # Verified automatically because a verified e-mail address matched a domain.
    fast_tracked = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="uniq_membership_user_org"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "requested",
                        "verified",
                        "declined",
                        "revoked",
                        "withdrawn",
                        "left",
                    ]
                ),
                name="membership_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["member", "representative"]),
                name="membership_role_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status"], name="membership_org_status_idx"
            )
        ]

    def __str__(self) -> str:
        return f"membership #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.REQUESTED

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

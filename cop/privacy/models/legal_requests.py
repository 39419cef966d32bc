"""Law-enforcement requests received by the platform, for the transparency report."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cop.db import TimeStampedModel


class LegalRequestKind(models.TextChoices):
    MEMBER_DATA = "member_data", _("Member data")
    CONTENT_REMOVAL = "content_removal", _("Removal of content")
    PRESERVATION = "preservation", _("Preservation of data")
    OTHER = "other", _("Other")


class LegalRequestOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    DISCLOSED = "disclosed", _("Complied with")
    PARTIAL = "partial", _("Partly complied with")
    NO_DATA = "no_data", _("No data held")
    REFUSED = "refused", _("Refused or challenged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LegalRequestNotice(models.TextChoices):
    TOLD = "told", _("Member told")
    PROHIBITED = "prohibited", _("Not told: prohibited by law or a court")
    NOT_YET = "not_yet", _("Not told yet")
    NOT_APPLICABLE = "not_applicable", _("No member concerned")


class LegalRequest(TimeStampedModel):
    """One request from an authority for member data or content.

    Moderators record it in the admin (visible to moderators only). The public
    transparency page shows counts per half-year only; the agency, the details and
    the legal basis never leave the admin. No member is linked: the request is
    described, not the person.
    """

    Kind = LegalRequestKind
    Outcome = LegalRequestOutcome
    Notice = LegalRequestNotice

    received_on = models.DateField(_("date received"))
    agency = models.CharField(_("agency"), max_length=200)
    jurisdiction = models.CharField(
        _("jurisdiction"), max_length=100, help_text=_("Country or state, e.g. France.")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("what was asked"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING
    )
    member_notice = models.CharField(
        _("member told?"),
        max_length=16,
        choices=Notice.choices,
        default=Notice.NOT_YET,
    )
    member_told_on = models.DateField(_("member told on"), null=True, blank=True)
    notes = models.TextField(_("internal notes"), blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("law-enforcement request")
        verbose_name_plural = _("law-enforcement requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LegalRequestKind.values),
                name="legal_request_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=LegalRequestOutcome.values),
                name="legal_request_outcome_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        member_notice=LegalRequestNotice.TOLD,
                        member_told_on__isnull=False,
                    )
                    | Q(
                        member_notice__in=[
                            n
                            for n in LegalRequestNotice.values
                            if n != LegalRequestNotice.TOLD
                        ],
                        member_told_on__isnull=True,
                    )
                ),
                name="legal_request_told_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} request of {self.received_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.member_notice == self.Notice.TOLD and self.member_told_on is None:
            raise ValidationError(
                {"member_told_on": _("Give the date the member was told.")}
            )
        if self.member_notice != self.Notice.TOLD and self.member_told_on is not None:
            raise ValidationError(
                {"member_told_on": _("Leave empty unless the member was told.")}
            )
        if (
            self.member_told_on
            and self.received_on
            and self.member_told_on < self.received_on
        ):
            raise ValidationError(
                {"member_told_on": _("The member cannot be told before the request.")}
            )

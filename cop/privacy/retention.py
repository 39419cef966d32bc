"""The platform's retention rules: what is kept, for how long, and what removes it.

One source for the nightly retention job and the privacy policy page, so the page
states exactly what the code does. Periods come from ``settings.COP_RETENTION_DAYS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RetentionRule:
    """One kind of record and how long it is kept (``days`` 0: removed at once)."""

    key: str
    label: str | Promise
    days: int
    removed_by: str | Promise


_RULES: tuple[tuple[str, Promise, Promise], ...] = (
    (
        "notifications",
        _("On-site notifications"),
        _("deleted by the nightly retention job, read or not"),
    ),
    (
        "digest_deliveries",
        _("Records of digest e-mails sent to you"),
        _("deleted by the nightly retention job"),
    ),
    (
        "audit_entries",
        _("Security and audit log entries"),
        _("deleted by the nightly retention job"),
    ),
    (
        "unconfirmed_accounts",
        _("Accounts whose e-mail address was never confirmed"),
        _("deleted with all their data by the nightly retention job"),
    ),
    (
        "expired_sessions",
        _("Expired sign-in sessions"),
        _("deleted by the nightly retention job"),
    ),
    (
        "data_exports",
        _("Your data export files, once built"),
        _("deleted by the nightly retention job; the download link stops working"),
    ),
    (
        "invitations",
        _("Invitations to represent a vendor, with the e-mail address they went to"),
        _("deleted by the nightly retention job, counted from acceptance or expiry"),
    ),
)


def retention_rules() -> list[RetentionRule]:
    """Return the retention rules with the periods currently configured."""
    days = settings.COP_RETENTION_DAYS
    return [
        RetentionRule(key=key, label=label, days=int(days[key]), removed_by=removed_by)
        for key, label, removed_by in _RULES
    ]

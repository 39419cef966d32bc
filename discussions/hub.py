"""The discussions' section of the account page (``cop.members.hub``)."""

from __future__ import annotations

from typing import Any

from cop.members.hub import AccountSection, account_sections
from discussions.forms.notifications import NotificationSettingsForm
from discussions.models import DigestFrequency
from discussions.selectors import follow_list, notification_settings_get


def account_section(user: Any) -> AccountSection | None:
    """Return what the account page shows of ``user``'s follows, e-mails and reading.

    Two queries: the settings row and the number of follows.
    """
    row = notification_settings_get(viewer=user)
    initial = NotificationSettingsForm.initial_for(row)
    return AccountSection(
        template="discussions/includes/account_section.html",
        context={
            "settings": initial,
            "frequency": DigestFrequency(initial["digest_frequency"]).label,
            "reading_history": bool(row is not None and row.reading_history),
            "follow_count": follow_list(viewer=user).count(),
        },
    )


def register() -> None:
    """Add the section to the account page."""
    account_sections.register("discussions", account_section, order=30)

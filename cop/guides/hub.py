"""The guides' section of the account page (``cop.members.hub``): what the digest follows."""

from __future__ import annotations

from typing import Any

from cop.guides.models import FollowedSection
from cop.guides.selectors_members import section_follows_of
from cop.members.hub import AccountSection, account_sections


def account_section(user: Any) -> AccountSection:
    """Return the member's follow choices for the guides and the events (one query)."""
    followed = section_follows_of(viewer=user)
    return AccountSection(
        template="guides/includes/account_section.html",
        context={
            "sections": [
                {"value": value, "label": label, "following": value in followed}
                for value, label in FollowedSection.choices
            ],
        },
    )


def register() -> None:
    """Add the section to the account page, after the follows and e-mails."""
    account_sections.register("guides", account_section, order=35)

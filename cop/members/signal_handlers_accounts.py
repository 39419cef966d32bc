"""Signal handlers for accounts, connected in ``MembersConfig.ready()``.

Only for third-party models that offer no other hook.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save

from cop.members.services import accounts


def scrub_usersession_address(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Keep the client address out of allauth's ``UserSession`` rows."""
    accounts.usersession_scrub(session=instance)


def connect() -> None:
    """Connect the account handlers (idempotent through ``dispatch_uid``)."""
    from allauth.usersessions.models import UserSession

    pre_save.connect(
        scrub_usersession_address,
        sender=UserSession,
        dispatch_uid="cop.members.scrub_usersession_address",
    )

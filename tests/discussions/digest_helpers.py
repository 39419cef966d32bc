"""Helpers shared by the digest tests: a digest-ready member and a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from discussions.models import DiscussionSettings, Subscription
from tests.factories import UserFactory, VerifiedEmailAddressFactory

#: A Monday 08:00 UTC: the default weekly slot.
SLOT = datetime(2026, 11, 23, 8, tzinfo=UTC)
PERIOD_START = SLOT - timedelta(days=7)
IN_PERIOD = SLOT - timedelta(days=2)


def digest_member(**prefs: Any) -> Any:
    """A member with a verified address and a settings row due at ``SLOT``."""
    user = UserFactory()
    VerifiedEmailAddressFactory(user=user)
    DiscussionSettings.objects.create(user=user, next_digest_at=SLOT, **prefs)
    return user


def follow(user: Any, level: str = "watching", **target: Any) -> Subscription:
    """Follow one target directly (the digest only reads these rows)."""
    return Subscription.objects.create(user=user, level=level, **target)

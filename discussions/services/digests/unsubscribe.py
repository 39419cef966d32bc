"""What an unsubscribe link in an e-mail may change, and the change itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from discussions.models import (
    DigestFrequency,
    DiscussionSettings,
    FollowLevel,
    Space,
)

from .selection import digest_next_at

_CHOICES_BY_SCOPE = {
    "all": ("less", "digest_off", "notifications_off", "all_off"),
    "digest": ("less", "digest_off"),
    "notifications": ("notifications_off",),
}
_ONE_CLICK = {
    "all": "all_off",
    "digest": "digest_off",
    "notifications": "notifications_off",
}


def unsubscribe_choices(*, scope: str, prefs: DiscussionSettings | None) -> list[str]:
    """Return the choices a token of ``scope`` allows, first the one-click default."""
    if scope.startswith("space:"):
        return ["space_off"]
    choices = list(_CHOICES_BY_SCOPE.get(scope, ()))
    frequency = prefs.digest_frequency if prefs else DigestFrequency.WEEKLY
    if frequency != DigestFrequency.DAILY and "less" in choices:
        choices.remove("less")  # weekly is already the least often
    default = _ONE_CLICK.get(scope)
    if default in choices:
        choices.remove(default)
        choices.insert(0, default)
    return choices


@transaction.atomic
def email_unsubscribe(*, user_id: int, scope: str, choice: str | None = None) -> str:
    """Apply an unsubscribe ``choice`` allowed by ``scope``; return the choice applied.

    Called with a verified token's user and scope (no session). Without ``choice``
    (RFC 8058 one-click) the scope's default applies. Raises ``ValueError`` for a
    choice outside the scope and ``LookupError`` when the member or space is gone.
    Idempotent.
    """
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise LookupError("member not found")
    prefs, _created = DiscussionSettings.objects.select_for_update().get_or_create(
        user=user
    )
    allowed = unsubscribe_choices(scope=scope, prefs=prefs)
    choice = choice or allowed[0]
    if choice not in allowed:
        raise ValueError(f"choice {choice!r} not allowed for scope {scope!r}")
    fields = ["updated_at"]
    if choice == "space_off":
        space = Space.objects.filter(pk=int(scope.split(":", 1)[1])).first()
        if space is None:
            raise LookupError("space not found")
        _mute_space(user=user, space=space)
        return choice
    if choice == "less":
        prefs.digest_frequency = DigestFrequency.WEEKLY
        fields.append("digest_frequency")
    if choice in ("digest_off", "all_off"):
        prefs.digest_frequency = DigestFrequency.OFF
        fields.append("digest_frequency")
    if choice in ("notifications_off", "all_off"):
        prefs.email_notifications = False
        fields.append("email_notifications")
    prefs.next_digest_at = digest_next_at(prefs=prefs, after=timezone.now())
    fields.append("next_digest_at")
    prefs.save(update_fields=fields)
    return choice


def _mute_space(*, user: Any, space: Space) -> None:
    # Imported here: the subscription services import this package.
    from discussions.services.subscriptions import follow_set

    follow_set(actor=user, level=FollowLevel.MUTED, space=space)

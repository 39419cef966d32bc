"""Follow levels on spaces, topics, tags, vendors and products, and notification settings.

A member has at most one :class:`~discussions.models.Subscription` row per target.
No row means the default: "normal" (told only about what involves them), except
that a member watches the topics they start or reply to (set by
:func:`discussions.services.notify_post_published` when no row exists).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.members.models import Organisation
from discussions import permissions
from discussions.models import (
    DigestFrequency,
    DiscussionSettings,
    FollowLevel,
    Subscription,
)

__all__ = [
    "FOLLOW_TARGETS",
    "follow_clear",
    "follow_set",
    "notification_settings_update",
]

#: The kinds of thing a member can follow (the ``Subscription`` target fields).
FOLLOW_TARGETS = ("space", "topic", "tag", "organisation", "product")


def _one_target(targets: dict[str, Any]) -> tuple[str, Any]:
    given = [(name, value) for name, value in targets.items() if value is not None]
    if len(given) != 1:
        raise ValidationError(_("Choose exactly one thing to follow."))
    return given[0]


def _require_followable(actor: Any, field: str, target: Any) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may follow ``target``."""
    permissions.require(permissions.is_active_member(actor))
    if field == "space":
        permissions.require(permissions.can_read_space(actor, target))
    elif field == "topic":
        permissions.require(permissions.can_read_topic(actor, target))
    elif field == "tag":
        permissions.require(permissions.can_know_tag(actor, target))
    elif field == "organisation":
        # Only vendors are followed: their products' disclosures and roadmaps.
        permissions.require(target.kind == Organisation.Kind.VENDOR)


@transaction.atomic
def follow_set(
    *,
    actor: Any,
    level: str,
    space: Any = None,
    topic: Any = None,
    tag: Any = None,
    organisation: Any = None,
    product: Any = None,
) -> Subscription:
    """Set ``actor``'s follow level on exactly one target (creating or changing the row).

    Raises ``ValidationError`` for an unknown level or not exactly one target, and
    ``PermissionDenied`` when ``actor`` may not read the target (a space or topic they
    cannot see, an organisation that is not a vendor). Idempotent.
    """
    if level not in FollowLevel.values:
        raise ValidationError(_("Choose watching, normal or muted."))
    field, target = _one_target(
        {
            "space": space,
            "topic": topic,
            "tag": tag,
            "organisation": organisation,
            "product": product,
        }
    )
    _require_followable(actor, field, target)
    subscription, _created = Subscription.objects.update_or_create(
        user=actor, **{field: target}, defaults={"level": level}
    )
    return subscription


@transaction.atomic
def follow_clear(
    *,
    actor: Any,
    space: Any = None,
    topic: Any = None,
    tag: Any = None,
    organisation: Any = None,
    product: Any = None,
) -> bool:
    """Remove ``actor``'s follow row on one target (back to the default); return if one existed."""
    if not permissions.is_active_member(actor):
        raise PermissionDenied
    field, target = _one_target(
        {
            "space": space,
            "topic": topic,
            "tag": tag,
            "organisation": organisation,
            "product": product,
        }
    )
    deleted, _rows = Subscription.objects.filter(user=actor, **{field: target}).delete()
    return bool(deleted)


def _valid_time_zone(name: str) -> str:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            {"time_zone": _("Unknown time zone: use a name like Europe/Paris.")}
        ) from None
    return name


@transaction.atomic
def notification_settings_update(
    *,
    actor: Any,
    email_notifications: bool,
    digest_frequency: str,
    digest_hour: int,
    digest_weekday: int,
    time_zone: str,
) -> DiscussionSettings:
    """Save ``actor``'s instant e-mail and digest choices.

    Validates the frequency, hour (0-23), weekday (0 is Monday) and the IANA time zone
    (``zoneinfo``); raises ``ValidationError`` keyed by field. Recomputes
    ``next_digest_at`` from the new choices, so the next digest follows them.
    """
    from discussions.services.digests import (
        digest_next_at,  # the module imports this one
    )

    permissions.require(permissions.is_active_member(actor))
    errors: dict[str, str] = {}
    if digest_frequency not in DigestFrequency.values:
        errors["digest_frequency"] = _("Choose off, daily or weekly.")
    if not 0 <= int(digest_hour) <= 23:
        errors["digest_hour"] = _("Choose an hour from 0 to 23.")
    if not 0 <= int(digest_weekday) <= 6:
        errors["digest_weekday"] = _("Choose a day of the week.")
    if errors:
        raise ValidationError(errors)
    _valid_time_zone(time_zone)
    row, _created = DiscussionSettings.objects.select_for_update().get_or_create(
        user=actor
    )
    row.email_notifications = bool(email_notifications)
    row.digest_frequency = digest_frequency
    row.digest_hour = int(digest_hour)
    row.digest_weekday = int(digest_weekday)
    row.time_zone = time_zone
    row.next_digest_at = digest_next_at(prefs=row, after=timezone.now())
    row.save(
        update_fields=[
            "email_notifications",
            "digest_frequency",
            "digest_hour",
            "digest_weekday",
            "time_zone",
            "next_digest_at",
            "updated_at",
        ]
    )
    return row

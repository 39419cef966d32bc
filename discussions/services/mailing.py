"""What the two e-mail paths (instant notifications, digests) share: bounces and retries.

- **Bounce rule**: a permanent failure with ``bounce`` set (the mail server refused
  the recipient or the message with a 5xx answer, see
  :func:`discussions.mail.smtp_error_classify`) adds one to the member's
  ``bounce_count``; at :data:`BOUNCE_THRESHOLD` failures in a row the address is
  *bouncing* (``bouncing_since``) and neither path sends to it until the member
  confirms an address again. A delivered e-mail, of either path, resets the count.
- **Retry schedule** of transient failures (4xx, connection refused or dropped,
  timeouts): exponential backoff with jitter, as a mail server's queue does, from
  ``COP_EMAIL_RETRY_BASE_SECONDS`` doubling up to ``COP_EMAIL_RETRY_MAX_SECONDS``
  between attempts, until ``COP_EMAIL_RETRY_DEADLINE_HOURS`` after the e-mail was
  queued; only then does a transient failure end it as failed.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, Value, When

from discussions.models import DiscussionSettings

__all__ = [
    "BOUNCE_THRESHOLD",
    "email_bounce_record",
    "email_bounces_clear",
    "email_retry_deadline",
    "email_retry_delay",
]

#: Permanent failures in a row after which an address counts as bouncing.
BOUNCE_THRESHOLD = 3

# Defaults of the settings (cop/settings/base.py), for settings modules without them.
_RETRY_BASE_SECONDS = 60
_RETRY_MAX_SECONDS = 3600
_RETRY_DEADLINE_HOURS = 24
# 2**20 times the base is far beyond any sensible cap; bounding the exponent keeps
# the arithmetic small whatever the attempt number.
_MAX_EXPONENT = 20

_random = random.SystemRandom()


def email_retry_delay(
    *, attempt: int, base: float | None = None, cap: float | None = None
) -> timedelta:
    """Return how long to wait after the ``attempt``-th (1-based) transient failure.

    Exponential backoff with "equal jitter": the ceiling ``min(cap, base *
    2**(attempt - 1))`` is drawn between its half and itself, so that e-mails
    refused together by one outage do not all come back at the same second, while
    each wait still grows. ``base`` and ``cap`` are seconds (default: the settings
    ``COP_EMAIL_RETRY_BASE_SECONDS`` and ``COP_EMAIL_RETRY_MAX_SECONDS``).
    """
    if base is None:
        base = getattr(settings, "COP_EMAIL_RETRY_BASE_SECONDS", _RETRY_BASE_SECONDS)
    if cap is None:
        cap = getattr(settings, "COP_EMAIL_RETRY_MAX_SECONDS", _RETRY_MAX_SECONDS)
    exponent = min(max(attempt, 1) - 1, _MAX_EXPONENT)
    ceiling = max(0.0, min(float(cap), float(base) * 2**exponent))
    return timedelta(seconds=_random.uniform(ceiling / 2, ceiling))


def email_retry_deadline() -> timedelta:
    """Return how long after queueing a transient failure may still be retried."""
    hours = getattr(settings, "COP_EMAIL_RETRY_DEADLINE_HOURS", _RETRY_DEADLINE_HOURS)
    return timedelta(hours=hours)


def email_bounce_record(*, user_id: int, now: datetime) -> None:
    """Count one permanent refusal of ``user_id``'s address.

    At :data:`BOUNCE_THRESHOLD` refusals in a row ``bouncing_since`` is set to
    ``now`` (kept if already set) and no e-mail of either path goes to the address
    until :func:`discussions.services.digest_bounce_reset`. One UPDATE, computed in
    the database, so concurrent refusals are all counted.
    """
    DiscussionSettings.objects.filter(user_id=user_id).update(
        bounce_count=F("bounce_count") + 1,
        bouncing_since=Case(
            When(
                bouncing_since__isnull=True,
                bounce_count__gte=BOUNCE_THRESHOLD - 1,
                then=Value(now),
            ),
            default=F("bouncing_since"),
        ),
        updated_at=now,
    )


def email_bounces_clear(*, user_ids: Collection[int]) -> None:
    """Reset the refusal count of members whose e-mail was just delivered (one UPDATE).

    Only "in a row" counts: a delivery in between starts the count again. A member
    already marked bouncing stays so (nothing is sent to them any more anyway).
    """
    if user_ids:
        DiscussionSettings.objects.filter(
            user_id__in=sorted(user_ids), bounce_count__gt=0
        ).update(bounce_count=0)

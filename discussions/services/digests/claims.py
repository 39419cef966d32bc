"""The per-(member, period) claims that make sending a digest idempotent.

A :class:`DigestDelivery` row, unique per member and period, is claimed before the
digest is built; a claim older than ``COP_DIGEST_CLAIM_TIMEOUT`` seconds belonged to a
worker that died and is taken over.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db.models import F, Q
from django.utils import timezone

from discussions.models import DigestDelivery, DigestFrequency, DiscussionSettings

from .selection import _verified_email_q, digest_next_at


def _claim_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "COP_DIGEST_CLAIM_TIMEOUT", 360))


def _pairs_q(periods: dict[int, datetime]) -> Q:
    """Return "(user, period_start) is one of ``periods``" grouped by period start."""
    by_start: dict[datetime, list[int]] = {}
    for user_id, start in periods.items():
        by_start.setdefault(start, []).append(user_id)
    q = Q(pk__in=[])
    for start, user_ids in by_start.items():
        q |= Q(period_start=start, user_id__in=sorted(user_ids))
    return q


def _claim_many(
    *, periods: dict[int, tuple[datetime, datetime]], now: datetime
) -> tuple[dict[int, DigestDelivery], datetime]:
    """Claim the (member, period) rows of a batch; return those this worker holds.

    Three statements whatever the batch size: new rows are inserted already claimed
    (conflicts ignored: a row exists), then one conditional UPDATE takes over rows
    released by a transient failure (``claimed_at`` NULL) or left by a worker that
    died (``claimed_at`` older than ``COP_DIGEST_CLAIM_TIMEOUT``), then the rows
    carrying this worker's claim time (the claim token: made unique with random
    microseconds) are read back. Only one worker can win a row: the insert and the
    UPDATE are each atomic in the database.
    """
    token = now.replace(microsecond=secrets.randbelow(1_000_000))
    starts = {user_id: start for user_id, (start, _end) in periods.items()}
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                user_id=user_id,
                period_start=start,
                period_end=end,
                state=DigestDelivery.State.CLAIMED,
                claimed_at=token,
                attempts=1,
            )
            for user_id, (start, end) in periods.items()
        ],
        ignore_conflicts=True,
    )
    pairs = _pairs_q(starts)
    DigestDelivery.objects.filter(pairs, state=DigestDelivery.State.CLAIMED).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _claim_timeout())
    ).update(claimed_at=token, attempts=F("attempts") + 1)
    held = DigestDelivery.objects.filter(
        pairs, state=DigestDelivery.State.CLAIMED, claimed_at=token
    )
    return {row.user_id: row for row in held}, token


def _claims_refresh(
    *, held: dict[int, DigestDelivery], token: datetime
) -> tuple[dict[int, DigestDelivery], datetime]:
    """Renew this worker's claims still to send (a slow batch keeps them); 2 queries."""
    new_token = timezone.now().replace(microsecond=secrets.randbelow(1_000_000))
    pks = [row.pk for row in held.values()]
    DigestDelivery.objects.filter(
        pk__in=pks, state=DigestDelivery.State.CLAIMED, claimed_at=token
    ).update(claimed_at=new_token)
    kept = set(
        DigestDelivery.objects.filter(pk__in=pks, claimed_at=new_token).values_list(
            "pk", flat=True
        )
    )
    return {uid: row for uid, row in held.items() if row.pk in kept}, new_token


def _periods_done(
    prefs_list: Sequence[DiscussionSettings], ends: dict[int, datetime], now: datetime
) -> None:
    """Move the members' schedules past their period ends (idempotent).

    One ``executemany`` for the batch (a row each, one round trip: Django's
    ``bulk_update`` builds a CASE expression that costs more than the sending).
    """
    if not prefs_list:
        return
    meta = DiscussionSettings._meta
    columns = [
        _column(name) for name in ("next_digest_at", "last_digest_at", "updated_at")
    ]
    rows = []
    for prefs in prefs_list:
        end = ends[prefs.user_id]
        prefs.next_digest_at = digest_next_at(prefs=prefs, after=max(end, now))
        prefs.last_digest_at = end
        rows.append(
            [
                db_connection.ops.adapt_datetimefield_value(value)
                for value in (prefs.next_digest_at, end, now)
            ]
            + [prefs.pk]
        )
    sets = ", ".join(f"{db_connection.ops.quote_name(c)} = %s" for c in columns)
    table = db_connection.ops.quote_name(meta.db_table)
    pk = db_connection.ops.quote_name(_column("id"))
    with db_connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608 - names from the model


def _column(name: str) -> str:
    """Return the database column of ``DiscussionSettings`` field ``name``."""
    column = getattr(DiscussionSettings._meta.get_field(name), "column", None)
    if not isinstance(column, str):
        raise LookupError(f"{name} is not a concrete field")
    return column


def _eligible_prefs(user_ids: Sequence[int]) -> dict[int, DiscussionSettings]:
    """Return the settings (with ``user``) of the members who may get a digest (1 query).

    Active, with an address that is verified (allauth) and not bouncing, and a
    frequency other than "off".
    """
    rows = (
        DiscussionSettings.objects.filter(
            user_id__in=list(user_ids),
            user__is_active=True,
            bouncing_since__isnull=True,
        )
        .exclude(digest_frequency=DigestFrequency.OFF)
        .exclude(user__email="")
        .filter(_verified_email_q("user_id", "user__email"))
        .select_related("user")
    )
    return {prefs.user_id: prefs for prefs in rows}

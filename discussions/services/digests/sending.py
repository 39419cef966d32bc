"""Send claimed digests over one SMTP connection, each at most once; record bounces."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import mail
from discussions.models import DigestDelivery, DiscussionSettings

from ..mailing import email_bounce_record, email_bounces_clear, email_retry_deadline
from .building import Digest, _absolute, digest_build_many
from .claims import (
    _claim_many,
    _claim_timeout,
    _claims_refresh,
    _eligible_prefs,
    _pairs_q,
    _periods_done,
)
from .rendering import DigestBodies, Lines
from .selection import _INTERVALS, _zone

logger = logging.getLogger(__name__)


@dataclass
class _Outcome:
    """What happened to each member of a batch (returned by ``digest_send_batch``)."""

    states: dict[int, str] = field(default_factory=dict)
    transient: list[BaseException] = field(default_factory=list)


def digest_send_batch(
    *,
    items: Sequence[tuple[int, datetime, datetime | None]],
    now: datetime | None = None,
) -> dict[int, str]:
    """Build and send the digests of ``(user_id, period_start, period_end)``, each at most once.

    Returns the state by member: ``"sent"``, ``"empty"`` (nothing new: no e-mail),
    ``"failed"``, ``"skipped"`` (not eligible, or done/claimed elsewhere) or
    ``"retry"``. Raises :class:`mail.TransientMailError` at the end (after every
    other member of the batch was handled and the failed members' claims were
    released) when some member met a transient error, so the task retries with
    backoff; members done meanwhile are skipped by the retry.

    The guarantees, per member: the :class:`DigestDelivery` row unique per (member,
    period) is claimed before building (:func:`_claim_many`), the digest shows only
    what the member may see when the batch runs, and the row is marked ``sent`` by
    one UPDATE right after the SMTP server accepted the message (the only window in
    which a killed worker can cause a duplicate). The schedule of the members done
    moves on at the end of the batch in one statement; if that is lost, the next
    scheduler run finds the rows done and redoes it. All messages of the batch go
    over one SMTP connection. Not wrapped in a transaction on purpose: the claims
    must be committed before the mail leaves.

    Queries: about 20 for the batch plus one per message sent, whatever the size.
    """
    now = now or timezone.now()
    outcome = _Outcome()
    eligible = _eligible_prefs([user_id for user_id, _s, _e in items])
    periods: dict[int, tuple[datetime, datetime]] = {}
    for user_id, start, end in items:
        prefs = eligible.get(user_id)
        if prefs is None:
            outcome.states[user_id] = "skipped"
            continue
        if end is None:
            end = start + _INTERVALS.get(prefs.digest_frequency, timedelta(days=7))
        periods[user_id] = (start, end)
    if not periods:
        return outcome.states
    held, token = _claim_many(periods=periods, now=now)
    claimed_since = time.monotonic()
    done: list[DiscussionSettings] = []
    ends = {user_id: end for user_id, (_start, end) in periods.items()}
    lost = {uid: start for uid, (start, _end) in periods.items() if uid not in held}
    if lost:
        for uid in lost:
            outcome.states[uid] = "skipped"
        finished = DigestDelivery.objects.filter(_pairs_q(lost)).exclude(
            state=DigestDelivery.State.CLAIMED
        )
        # A period already done whose schedule update was lost is moved on again.
        done += [eligible[uid] for uid in finished.values_list("user_id", flat=True)]
    try:
        if held:
            _build_and_send(
                held=held,
                token=token,
                claimed_since=claimed_since,
                eligible=eligible,
                periods=periods,
                now=now,
                outcome=outcome,
                done=done,
            )
    finally:
        _periods_done(done, ends, now)
        sent = [uid for uid, state in outcome.states.items() if state == "sent"]
        email_bounces_clear(
            user_ids=[uid for uid in sent if eligible[uid].bounce_count]
        )
    if outcome.transient:
        error = outcome.transient[0]
        raise mail.TransientMailError(
            f"{len(outcome.transient)} digest(s) to retry: {error}"[:300],
            smtp_code=getattr(error, "smtp_code", None),
        )
    return outcome.states


def _build_and_send(
    *,
    held: dict[int, DigestDelivery],
    token: datetime,
    claimed_since: float,
    eligible: dict[int, DiscussionSettings],
    periods: dict[int, tuple[datetime, datetime]],
    now: datetime,
    outcome: _Outcome,
    done: list[DiscussionSettings],
) -> None:
    """Build the claimed digests from data fetched once, send them over one connection."""
    built = digest_build_many(
        requests=[(eligible[uid].user, *periods[uid]) for uid in held]
    )
    empty = [uid for uid, digest in built.items() if not digest.sections]
    if empty:
        DigestDelivery.objects.filter(
            pk__in=[held[uid].pk for uid in empty], state=DigestDelivery.State.CLAIMED
        ).update(state=DigestDelivery.State.EMPTY, item_count=0, claimed_at=None)
        for uid in empty:
            outcome.states[uid] = "empty"
            done.append(eligible[uid])
    pending = {uid: held[uid] for uid in held if uid not in empty}
    if not pending:
        return
    index_url = _absolute(reverse("discussions:index"))
    lines = Lines()
    bodies = DigestBodies()
    refresh_every = _claim_timeout().total_seconds() / 3
    connection = get_connection(fail_silently=False)
    try:
        for uid in list(pending):
            if uid not in pending:
                outcome.states[uid] = "skipped"  # taken over: lost in a refresh
                continue
            if time.monotonic() - claimed_since > refresh_every:
                pending, token = _claims_refresh(held=pending, token=token)
                claimed_since = time.monotonic()
                if uid not in pending:
                    outcome.states[uid] = "skipped"
                    continue
            delivery = pending.pop(uid)
            prefs = eligible[uid]
            state = _send_one(
                delivery=delivery,
                prefs=prefs,
                digest=built[uid],
                index_url=index_url,
                lines=lines,
                bodies=bodies,
                connection=connection,
                now=now,
                outcome=outcome,
            )
            outcome.states[uid] = state
            if state in ("sent", "failed"):
                done.append(prefs)
            if state == "retry" and isinstance(
                outcome.transient[-1].__cause__, ConnectionError | TimeoutError
            ):
                # The server cannot be reached: release the rest for the retry.
                _release(pending, outcome, outcome.transient[-1])
                break
    finally:
        _release(pending, outcome, None)
        with contextlib.suppress(Exception):
            connection.close()


def _release(
    pending: dict[int, DigestDelivery], outcome: _Outcome, error: BaseException | None
) -> None:
    """Give back the claims of members not sent (a retry or another worker takes them)."""
    if not pending:
        return
    DigestDelivery.objects.filter(
        pk__in=[row.pk for row in pending.values()], state=DigestDelivery.State.CLAIMED
    ).update(claimed_at=None)
    for uid in pending:
        outcome.states[uid] = "retry"
        if error is not None:
            outcome.transient.append(error)
    pending.clear()


def _send_one(
    *,
    delivery: DigestDelivery,
    prefs: DiscussionSettings,
    digest: Digest,
    index_url: str,
    lines: Lines,
    bodies: DigestBodies,
    connection: Any,
    now: datetime,
    outcome: _Outcome,
) -> str:
    """Send one claimed digest over ``connection`` and record the result (1-2 queries)."""
    row = DigestDelivery.objects.filter(
        pk=delivery.pk, state=DigestDelivery.State.CLAIMED
    )
    start = digest.period_start
    message_id = mail.message_id_make(
        "digest", prefs.user_id, start.astimezone(UTC).strftime("%Y%m%d%H%M")
    )
    zone = _zone(prefs.time_zone)
    try:
        message = mail.member_email_message(
            user=prefs.user,
            subject=_("Your cop digest: %(count)s new") % {"count": digest.item_count},
            template="digest",
            context={
                "digest": digest,
                "sections": [lines.section(section) for section in digest.sections],
                "period_start_local": start.astimezone(zone),
                "period_end_local": digest.period_end.astimezone(zone),
                "frequency": prefs.get_digest_frequency_display(),
                "index_url": index_url,
                "language_code": settings.LANGUAGE_CODE,
            },
            message_id=message_id,
            unsubscribe_scope="digest",
            renderer=bodies,
        )
        mail.email_message_send(message, connection=connection)
    except mail.TransientMailError as error:
        with contextlib.suppress(Exception):
            connection.close()  # it may be dead; the next send reopens it
        # The deadline both paths share: a digest still deferred that long after its
        # period ended is given up (the next period's digest is due by then).
        if now >= delivery.period_end + email_retry_deadline():
            row.update(state=DigestDelivery.State.FAILED, last_error=str(error)[:300])
            return "failed"
        row.update(claimed_at=None, last_error=str(error)[:300])
        outcome.transient.append(error)
        return "retry"
    except mail.PermanentMailError as error:
        row.update(state=DigestDelivery.State.FAILED, last_error=str(error)[:300])
        if error.bounce:
            email_bounce_record(user_id=prefs.user_id, now=now)
        logger.warning("digest for member %s refused: %s", prefs.user_id, error)
        return "failed"
    # The only window between "the server has it" and "the row says so": one UPDATE.
    row.update(
        state=DigestDelivery.State.SENT,
        sent_at=now,
        message_id=message_id,
        item_count=digest.item_count,
        last_error="",
    )
    return "sent"


def digest_send(
    *,
    user_id: int,
    period_start: datetime,
    period_end: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """Build and send one member's digest for the period, at most once; return the state.

    :func:`digest_send_batch` with one member: ``"sent"``, ``"empty"``,
    ``"failed"`` or ``"skipped"``; raises :class:`mail.TransientMailError` after
    releasing the claim, so the caller may retry.
    """
    return digest_send_batch(items=[(user_id, period_start, period_end)], now=now)[
        user_id
    ]


@transaction.atomic
def digest_bounce_reset(*, user: Any) -> None:
    """Clear the bouncing mark of ``user``'s address (it was changed or verified again).

    Call from allauth's ``email_confirmed`` / ``email_changed`` signals. Idempotent.
    """
    DiscussionSettings.objects.filter(user=user).update(
        bounce_count=0, bouncing_since=None, updated_at=timezone.now()
    )

"""Celery tasks: digests (thin: each calls one service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task

from discussions.mail import TransientMailError

__all__ = ["schedule_due_digests_task", "send_digest_batch_task", "send_digest_task"]

# 100 members per batch task. The batch's fixed cost (about 20 queries: roles,
# follows, the period's topics, vendors' changes, claims, schedule) is shared by
# 100 members, so queries per member stay about 1.2 (one UPDATE per message sent)
# at 1,000 or 10,000 members; memory holds one batch's digests (a few MB); a batch
# takes about a second against a healthy SMTP server, far below the claim timeout
# (COP_DIGEST_CLAIM_TIMEOUT, 360 s; the claims are renewed anyway when sending is
# slow) and the time limit, and a retry after a transient error re-sends only
# the members not yet done. Larger batches save little (the fixed cost is already
# under 0.2 queries per member) and make a dead SMTP server cost more per retry.
BATCH_SIZE = 100

_RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (TransientMailError,),
    "retry_backoff": 60,
    # Below the Redis visibility timeout (600 s): a countdown longer than it would
    # make Redis hand the waiting message to a second worker.
    "retry_backoff_max": 480,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(
    acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100
)
def schedule_due_digests_task(after_user_id: int = 0, now_iso: str = "") -> int:
    """Enqueue one ``send_digest_batch_task`` for a chunk of due members, then the next chunk.

    Run by beat every 15 minutes (``after_user_id=0``), which first gives members
    without settings their default row. Re-enqueueing a member already enqueued is
    harmless (the delivery row makes sending idempotent). Returns the chunk size.
    """
    from django.utils import timezone

    from discussions.services.digests import (
        digest_due_batch,
        digest_settings_backfill,
    )

    now = datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    if not after_user_id:
        digest_settings_backfill(now=now)
    batch = digest_due_batch(now=now, after_user_id=after_user_id, limit=BATCH_SIZE)
    if batch:
        send_digest_batch_task.delay(
            [
                [user_id, start.isoformat(), end.isoformat()]
                for user_id, start, end in batch
            ]
        )
    if len(batch) == BATCH_SIZE:
        schedule_due_digests_task.delay(batch[-1][0], now.isoformat())
    return len(batch)


# A batch normally takes seconds; against a slow SMTP server 100 messages may take
# minutes (claims are renewed meanwhile). The hard limit stays below the Redis
# visibility timeout (600 s); a batch killed by it loses nothing: its unsent
# members' claims expire and beat enqueues them again.
@shared_task(**_RETRY, time_limit=540, soft_time_limit=500)
def send_digest_batch_task(items: list[list[Any]]) -> dict[str, int]:
    """Send the digests of ``[[user_id, period_start_iso, period_end_iso], ...]``, each at most once.

    Safe to run twice, redeliver or retry: each (member, period) delivery row
    decides. Transient SMTP errors retry the batch with backoff (members done are
    skipped). Returns how many members ended in each state.
    """
    from discussions.services.digests import digest_send_batch

    states = digest_send_batch(
        items=[
            (
                int(user_id),
                datetime.fromisoformat(start),
                datetime.fromisoformat(end) if end else None,
            )
            for user_id, start, end in items
        ]
    )
    counts: dict[str, int] = {}
    for state in states.values():
        counts[state] = counts.get(state, 0) + 1
    return counts


@shared_task(**_RETRY, time_limit=120, soft_time_limit=100)
def send_digest_task(
    user_id: int, period_start_iso: str, period_end_iso: str = ""
) -> str:
    """Send one member's digest for one period, at most once (see ``digest_send``).

    Safe to run twice, redeliver or retry: the (member, period) delivery row decides.
    Transient SMTP errors retry with backoff; returns the delivery state.
    """
    from discussions.services.digests import digest_send

    return digest_send(
        user_id=user_id,
        period_start=datetime.fromisoformat(period_start_iso),
        period_end=datetime.fromisoformat(period_end_iso) if period_end_iso else None,
    )

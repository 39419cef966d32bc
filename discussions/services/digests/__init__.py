"""Digest scheduling, building and idempotent sending; e-mail unsubscribe choices.

How a digest goes out (see also ``discussions.tasks.digests``):

1. Every 15 minutes beat runs ``schedule_due_digests_task``: it gives members
   without a :class:`DiscussionSettings` row one (weekly defaults, created lazily in
   bulk, :func:`digest_settings_backfill`), then walks the members whose
   ``next_digest_at`` has passed (:func:`digest_due_batch`) in chunks and enqueues
   one ``send_digest_batch_task`` per chunk (about 100 members, each with their
   own period).
2. :func:`digest_send_batch` claims the batch's :class:`DigestDelivery` rows (unique
   per member and period) in three statements, builds all their digests from data
   fetched once (:func:`digest_build_many`: members' roles, follows, the period's
   candidate topics, registered sections), sends them over one SMTP connection
   and marks each row ``sent`` in one UPDATE right after its message was accepted.
   A second task for the same period finds the rows taken and does nothing; a
   claim older than ``COP_DIGEST_CLAIM_TIMEOUT`` seconds (its worker died) is taken
   over. ``next_digest_at`` moves on only once the period is done, so beat keeps
   re-enqueueing a member whose message was lost.

Who gets one: active members with a verified primary address (allauth), a
frequency other than "off", and an address that is not bouncing.
"""

from .building import (
    DIGEST_SECTION_LIMIT,
    DIGEST_TOTAL_LIMIT,
    Digest,
    digest_build,
    digest_build_many,
    digest_follows,
    digest_follows_many,
)
from .selection import (
    digest_due_batch,
    digest_next_at,
    digest_period_for,
    digest_schedule_refresh,
    digest_settings_backfill,
)
from .sending import digest_bounce_reset, digest_send, digest_send_batch
from .unsubscribe import email_unsubscribe, unsubscribe_choices

__all__ = [
    "DIGEST_SECTION_LIMIT",
    "DIGEST_TOTAL_LIMIT",
    "Digest",
    "digest_bounce_reset",
    "digest_build",
    "digest_build_many",
    "digest_due_batch",
    "digest_follows",
    "digest_follows_many",
    "digest_next_at",
    "digest_period_for",
    "digest_schedule_refresh",
    "digest_send",
    "digest_send_batch",
    "digest_settings_backfill",
    "email_unsubscribe",
    "unsubscribe_choices",
]

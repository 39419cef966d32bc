"""cop's own settings: demo accounts, readiness, posting, moderation, e-mail retries,
digests, retention periods, community thresholds and backups.

Read from the environment like the rest (``cop.settings.base`` imports them all);
the framework's settings stay in ``base``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ

from cop.settings.config import positive_number
from cop.settings.paths import VAR_DIR

env = environ.Env()

# ---------------------------------------------------------------- cop
# Password of the demo accounts that seed_demo creates; seed_demo refuses to run in production.
COP_DEMO_PASSWORD = "cop-demo-2026"  # noqa: S105 - public by design, listed in README.md
COP_HEARTBEAT_STALE_AFTER = timedelta(minutes=5)
# /readyz answers within this many seconds; a dependency that has not answered by
# then counts as unavailable (503).
COP_READYZ_TIMEOUT = env.float("COP_READYZ_TIMEOUT", default=2.0)
COP_ENVIRONMENT = env("COP_ENVIRONMENT", default="development")

# ---------------------------------------------------------------- discussions: posting
# A new member's first N posts wait for a moderator (0 turns pre-moderation off);
# moderators and verified vendor representatives are exempt.
COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = env.int(
    "COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS", default=2
)

# ---------------------------------------------------------------- discussions: moderation
# Open flags from this many distinct members hide a post until a moderator reviews it.
COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD = env.int(
    "COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD", default=3
)

# ---------------------------------------------------------------- discussions: e-mail
# Instant notification e-mails meeting a transient SMTP failure (4xx, connection
# refused, timeout) wait COP_EMAIL_RETRY_BASE_SECONDS, doubling per attempt up to
# COP_EMAIL_RETRY_MAX_SECONDS (with jitter), like a mail server's queue; a transient
# failure COP_EMAIL_RETRY_DEADLINE_HOURS after the e-mail was queued gives it up.
# Only the fault test shortens the base (seconds instead of a minute).
COP_EMAIL_RETRY_BASE_SECONDS = positive_number(
    "COP_EMAIL_RETRY_BASE_SECONDS", env.str("COP_EMAIL_RETRY_BASE_SECONDS", "60")
)
COP_EMAIL_RETRY_MAX_SECONDS = positive_number(
    "COP_EMAIL_RETRY_MAX_SECONDS", env.str("COP_EMAIL_RETRY_MAX_SECONDS", "3600")
)
COP_EMAIL_RETRY_DEADLINE_HOURS = positive_number(
    "COP_EMAIL_RETRY_DEADLINE_HOURS", env.str("COP_EMAIL_RETRY_DEADLINE_HOURS", "24")
)

# ---------------------------------------------------------------- discussions: digests
# A digest claim older than this many seconds belongs to a worker that died and is
# taken over; keep it above the send task's time limit (120 s) and below
# CELERY_VISIBILITY_TIMEOUT, so a redelivered task can take it.
COP_DIGEST_CLAIM_TIMEOUT = env.int("COP_DIGEST_CLAIM_TIMEOUT", default=360)
# Days an unsubscribe link in an e-mail keeps working.
COP_UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS = env.int(
    "COP_UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", default=60
)

# ---------------------------------------------------------------- privacy: retention
# Days each kind of record is kept before the nightly retention job deletes it; the
# privacy policy page renders its table from these values (cop.privacy.retention), so
# the policy cannot drift from what the code does. 0 means "at once"; each value can be
# changed with COP_RETENTION_<KEY>_DAYS, e.g. COP_RETENTION_NOTIFICATIONS_DAYS=30.
_RETENTION_DEFAULT_DAYS = {
    "notifications": 90,
    "digest_deliveries": 180,
    "audit_entries": 730,
    "unconfirmed_accounts": 7,
    "expired_sessions": 0,
    "data_exports": 7,
    # Counted from the day an invitation was accepted or expired unused.
    "invitations": 90,
}
COP_RETENTION_DAYS = {
    key: env.int(f"COP_RETENTION_{key.upper()}_DAYS", default=days)
    for key, days in _RETENTION_DEFAULT_DAYS.items()
}

# Community counts (priorities, red flags, response times) are shown only when a cell
# holds at least this many distinct organisations (cop.privacy.aggregates).
COP_PRIVACY_K = env.int("COP_PRIVACY_K", default=5)
# ---------------------------------------------------------------- privacy: backups
# `manage.py backup` and the nightly beat job write AES-256-GCM encrypted backups into
# COP_BACKUP_DIR and keep the newest COP_BACKUP_KEEP; without COP_BACKUP_KEY (make one
# with `manage.py backup --generate-key`) the nightly job does nothing. Keep the key
# and the erasure ledger apart from the backups: `manage.py restore` replays the
# ledger's erasures so that a restore never brings an erased member back.
COP_BACKUP_KEY = env("COP_BACKUP_KEY", default="")
COP_BACKUP_DIR = Path(env("COP_BACKUP_DIR", default=str(VAR_DIR / "backups")))
COP_BACKUP_KEEP = int(
    positive_number("COP_BACKUP_KEEP", env("COP_BACKUP_KEEP", default="14"))
)
COP_ERASURE_LEDGER = Path(
    env("COP_ERASURE_LEDGER", default=str(VAR_DIR / "erasure-ledger.jsonl"))
)

"""The nightly retention job: delete what ``COP_RETENTION_DAYS`` no longer allows.

Each kind of record is purged by the app that owns it (``cop.privacy.hooks.
retention_purgers``); this module adds the site-wide kinds (audit entries, sessions,
unconfirmed accounts, export files) and runs every purger for one batch.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cop.core.models import AuditEvent
from cop.privacy.hooks import oldest_pks, retention_purgers
from cop.privacy.models import DataExport, Erasure
from cop.privacy.services.ledger import erasure_ledger_append

logger = logging.getLogger(__name__)

# Rows per kind per run: a delete of 500 rows (with their cascades) holds its locks
# for well under a second on the reference machine, and the task re-enqueues itself
# until a run finds less than a full batch, so a backlog still drains in one night.
BATCH_SIZE = 500


def _audit_entries(*, cutoff: datetime, limit: int) -> int:
    ids = oldest_pks(AuditEvent.objects.filter(created_at__lt=cutoff), limit)
    AuditEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


def _expired_sessions(*, cutoff: datetime, limit: int) -> int:
    # A session is "expired" at its own expiry date; the period adds a grace time.
    session_model = import_module(
        settings.SESSION_ENGINE
    ).SessionStore.get_model_class()
    expired = session_model.objects.filter(expire_date__lt=cutoff).order_by(
        "expire_date"
    )
    keys = list(expired.values_list("session_key", flat=True)[:limit])
    session_model.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _unconfirmed_accounts(*, cutoff: datetime, limit: int) -> int:
    from allauth.account.models import EmailAddress

    confirmed = EmailAddress.objects.filter(verified=True).values("user_id")
    stale = (
        get_user_model()
        .objects.filter(date_joined__lt=cutoff, last_login__isnull=True)
        .exclude(Q(is_staff=True) | Q(is_superuser=True) | Q(pk__in=confirmed))
    )
    ids = oldest_pks(stale, limit)
    joined = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "date_joined")
    )
    get_user_model().objects.filter(pk__in=ids).delete()
    # Recorded in the erasure ledger too, so a restore does not bring them back.
    erasures = Erasure.objects.bulk_create(
        [
            Erasure(
                user_id=pk,
                joined_at=joined[pk],
                keep_posts=False,
                requested_by=Erasure.Requester.RETENTION,
            )
            for pk in ids
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(lambda: erasure_ledger_append(erasures=erasures))
    return len(ids)


def _data_exports(*, cutoff: datetime, limit: int) -> int:
    from cop.privacy.services.export import export_file_delete

    old = DataExport.objects.filter(
        Q(ready_at__lt=cutoff) | Q(ready_at__isnull=True, requested_at__lt=cutoff)
    )
    exports = list(old.order_by("pk").values_list("pk", "token")[:limit])
    DataExport.objects.filter(pk__in=[pk for pk, _token in exports]).delete()
    tokens = [str(token) for _pk, token in exports]

    def remove_files() -> None:
        for token in tokens:
            export_file_delete(token=token)

    transaction.on_commit(remove_files)
    return len(exports)


def register() -> None:
    """Register the site-wide purgers."""
    retention_purgers.register("audit_entries", _audit_entries)
    retention_purgers.register("expired_sessions", _expired_sessions)
    retention_purgers.register("unconfirmed_accounts", _unconfirmed_accounts)
    retention_purgers.register("data_exports", _data_exports)


def retention_enforce(*, batch_size: int | None = None) -> dict[str, int]:
    """Delete one batch of every kind of record past its retention period.

    Returns how many records of each kind went. Called by the nightly
    ``retention_enforce_task``, which runs again while any kind filled its batch.
    Idempotent: a second run finds nothing more to delete.
    """
    limit = batch_size or BATCH_SIZE
    now = timezone.now()
    periods = settings.COP_RETENTION_DAYS
    deleted: dict[str, int] = {}
    for key, purge in retention_purgers:
        cutoff = now - timedelta(days=int(periods[key]))
        with transaction.atomic():
            deleted[key] = purge(cutoff=cutoff, limit=limit)
        if deleted[key]:
            logger.info("retention: deleted %s %s", deleted[key], key)
    return deleted

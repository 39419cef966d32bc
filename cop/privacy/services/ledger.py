"""The erasure ledger: erased accounts by ID only, replayed after a restore.

Every erasure is a row of :class:`~cop.privacy.models.Erasure` and a line of the
ledger file (``settings.COP_ERASURE_LEDGER``, JSON lines: the user ID, when the
account was created, whether the posts were kept, who asked and when; never a name
or an address). A restore of an older backup brings back accounts erased since; the
restore reads the erasures of the database it replaces and of the ledger file before
it starts, and erases those accounts again afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from cop.privacy.models import Erasure

logger = logging.getLogger(__name__)


class LedgerError(Exception):
    """A ledger file could not be read; the message names the file and line."""


@dataclass(frozen=True)
class LedgerEntry:
    """One erased account, as the ledger records it."""

    user_id: int
    joined_at: datetime | None
    keep_posts: bool
    requested_by: str
    erased_at: datetime

    @classmethod
    def of(cls, erasure: Erasure) -> LedgerEntry:
        return cls(
            user_id=erasure.user_id,
            joined_at=erasure.joined_at,
            keep_posts=erasure.keep_posts,
            requested_by=erasure.requested_by,
            erased_at=erasure.erased_at,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "user_id": self.user_id,
                "joined_at": self.joined_at.isoformat() if self.joined_at else None,
                "keep_posts": self.keep_posts,
                "requested_by": self.requested_by,
                "erased_at": self.erased_at.isoformat(),
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, line: str) -> LedgerEntry:
        data: dict[str, Any] = json.loads(line)
        joined = data.get("joined_at")
        return cls(
            user_id=int(data["user_id"]),
            joined_at=datetime.fromisoformat(joined) if joined else None,
            keep_posts=bool(data["keep_posts"]),
            requested_by=str(data["requested_by"]),
            erased_at=datetime.fromisoformat(data["erased_at"]),
        )


def ledger_path() -> Path | None:
    """Return the ledger file, or ``None`` where none is kept."""
    configured = getattr(settings, "COP_ERASURE_LEDGER", None)
    return Path(configured) if configured else None


def erasure_ledger_append(*, erasures: Iterable[Erasure]) -> None:
    """Append ``erasures`` to the ledger file (called after the erasure commits).

    A ledger file that cannot be written is logged, never raised: the erasure itself
    is done and recorded in the database, which every backup carries.
    """
    path = ledger_path()
    lines = [LedgerEntry.of(e).to_json() + "\n" for e in erasures]
    if path is None or not lines:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as ledger:
            ledger.writelines(lines)
    except OSError:
        logger.exception("erasure ledger %s could not be written", path)


def erasure_ledger_read(*, paths: Iterable[Path]) -> list[LedgerEntry]:
    """Return the entries of the ledger files that exist; ``LedgerError`` if damaged."""
    entries: list[LedgerEntry] = []
    for path in paths:
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entries.append(LedgerEntry.from_json(line))
            except (ValueError, KeyError, TypeError) as error:
                raise LedgerError(
                    f"Line {number} of the erasure ledger {path} is not a ledger entry."
                ) from error
    return entries


def erasure_ledger_from_database() -> list[LedgerEntry]:
    """Return the erasures the current database records (none if it has no ledger)."""
    try:
        return [LedgerEntry.of(e) for e in Erasure.objects.order_by("pk")]
    except DatabaseError:
        return []  # an empty or broken database: the ledger file still counts


@transaction.atomic
def erasures_replay(*, entries: Iterable[LedgerEntry]) -> int:
    """Erase again every account of ``entries`` that a restore brought back.

    Called by the restore, after the database is back; checks no permission (the
    erasure was decided when it was first done). An account is erased again only if
    its ID and creation time both match, and the ledger rows missing from the
    restored database are added back. New accounts get IDs above every erased one.
    Idempotent: a second replay finds nothing to erase. Returns how many accounts
    were erased again.
    """
    from cop.privacy.backups.databases import user_ids_reserve
    from cop.privacy.services.erasure import member_rows_erase

    user_model = get_user_model()
    by_id = {entry.user_id: entry for entry in entries}
    if not by_id:
        return 0
    recorded = set(
        Erasure.objects.filter(user_id__in=by_id).values_list("user_id", flat=True)
    )
    members = user_model.objects.in_bulk(list(by_id))
    replayed = 0
    for user_id, entry in sorted(by_id.items()):
        member = members.get(user_id)
        if member is not None:
            if entry.joined_at is not None and member.date_joined != entry.joined_at:
                continue  # the ID now belongs to another account
            member_rows_erase(member=member, keep_posts=entry.keep_posts)
            replayed += 1
        if user_id not in recorded:
            erasure = Erasure.objects.create(
                user_id=user_id,
                joined_at=entry.joined_at,
                keep_posts=entry.keep_posts,
                requested_by=entry.requested_by,
            )
            # auto_now_add set the time of the replay; the ledger keeps the original.
            Erasure.objects.filter(pk=erasure.pk).update(erased_at=entry.erased_at)
    user_ids_reserve(table=user_model._meta.db_table, above=max(by_id))
    if replayed:
        logger.info("restore: erased %s accounts again", replayed)
    return replayed

"""Encrypted backups: write one, keep the newest, restore one and replay erasures.

A backup is one file: the database dump (``pg_dump`` or SQLite's backup API), the
media files and a manifest of row counts, in a streamed archive encrypted with
AES-256-GCM under ``settings.COP_BACKUP_KEY`` (:mod:`cop.privacy.backups.crypto`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, router
from django.utils import timezone

from cop.privacy.backups import archive, crypto, databases
from cop.privacy.backups.crypto import BackupDamagedError, BackupError
from cop.privacy.services.ledger import (
    LedgerEntry,
    erasure_ledger_from_database,
    erasure_ledger_read,
    erasures_replay,
    ledger_path,
)

logger = logging.getLogger(__name__)

SUFFIX = ".cop-backup"
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
FORMAT = 1


@dataclass
class RestoreReport:
    """What a restore did."""

    created_at: str
    tables: dict[str, int] = field(default_factory=dict)
    media_files: int = 0
    replayed: int = 0


def backup_dir() -> Path:
    """Return the folder of the scheduled backups."""
    return Path(settings.COP_BACKUP_DIR)


def _key() -> bytes:
    return crypto.key_decode(str(getattr(settings, "COP_BACKUP_KEY", "") or ""))


def table_counts() -> dict[str, int]:
    """Return the number of rows of every model's table (the restore drill compares)."""
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if (
            opts.proxy
            or not opts.managed
            or not router.allow_migrate_model("default", model)
        ):
            continue
        if opts.db_table in counts:
            continue
        try:
            counts[opts.db_table] = model._base_manager.count()
        except DatabaseError:
            continue  # a table not migrated yet
    return dict(sorted(counts.items()))


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield MEDIA_PREFIX + path.relative_to(root).as_posix(), path


def backup_create(*, directory: Path | None = None) -> Path:
    """Write an encrypted backup of the database and media; return its path.

    Called by ``manage.py backup`` and the nightly ``backup_create_task``. The file
    is written under a temporary name and renamed when complete, so a crash leaves
    no file that looks like a backup. ``BackupError`` (one sentence) on failure.
    """
    key = _key()
    folder = directory or backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    engine = databases.engine()
    now = timezone.now()
    target = folder / f"cop-backup-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    partial = target.with_suffix(".partial")
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "engine": engine,
        "tables": table_counts(),
    }
    # Files hold the whole site's data: readable by the owner only.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as out:
            stream = crypto.EncryptedWriter(
                out,
                key=key,
                header={
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "engine": engine,
                },
            )
            writer = archive.ArchiveWriter(stream)
            writer.add(MANIFEST, [json.dumps(manifest).encode("utf-8")])
            with databases.dump() as dump:
                writer.add(databases.DUMP_NAMES[engine], dump)
            for name, path in _media_files():
                with path.open("rb") as source:
                    writer.add(name, source)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    logger.info("backup written: %s (%s bytes)", target.name, target.stat().st_size)
    return target


def backups_prune(
    *, directory: Path | None = None, keep: int | None = None
) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``directory``; return the deleted.

    Only files named like backups are considered; idempotent.
    """
    folder = directory or backup_dir()
    keep = settings.COP_BACKUP_KEEP if keep is None else keep
    if not folder.is_dir():
        return []
    files = sorted(folder.glob(f"cop-backup-*{SUFFIX}"), key=lambda p: p.name)
    old = files[: max(len(files) - max(int(keep), 1), 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_run() -> Path | None:
    """Write a backup and prune old ones; ``None`` where no backup key is set.

    Called by the nightly task: without a key (the embedded default, development)
    there is nothing to do, which is logged rather than raised.
    """
    if not getattr(settings, "COP_BACKUP_KEY", ""):
        logger.warning("scheduled backup skipped: COP_BACKUP_KEY is not set")
        return None
    path = backup_create()
    backups_prune()
    return path


def _open(path: Path) -> tuple[IO[bytes], dict[str, Any], Any]:
    try:
        source = path.open("rb")
    except OSError as error:
        raise BackupError(f"The backup file {path} cannot be read.") from error
    try:
        header, state = crypto.header_read(source, key=_key())
    except BaseException:
        source.close()
        raise
    return source, header, state


def backup_verify(*, path: Path) -> dict[str, Any]:
    """Check the key and every byte of ``path``; return its manifest.

    ``BackupKeyError`` for a missing or wrong key, ``BackupDamagedError`` for a
    changed or truncated file. Reads the whole file once and changes nothing.
    """
    source, header, state = _open(path)
    manifest: dict[str, Any] | None = None
    names: list[str] = []
    with source:
        for name, pieces in archive.members(crypto.chunks(source, state)):
            names.append(name)
            if name == MANIFEST:
                manifest = json.loads(b"".join(pieces))
            elif name.startswith(MEDIA_PREFIX):
                _safe_media_name(name)
    if manifest is None or manifest.get("engine") != header.get("engine"):
        raise BackupDamagedError("The backup has no valid manifest.")
    if databases.DUMP_NAMES.get(str(header.get("engine"))) not in names:
        raise BackupDamagedError("The backup holds no database dump.")
    return manifest


def _safe_media_name(name: str) -> PurePosixPath:
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupDamagedError(f"The backup names an unsafe media path: {name}.")
    return relative


def backup_restore(
    *,
    path: Path,
    ledgers: Iterable[Path] = (),
    manifest: dict[str, Any] | None = None,
) -> RestoreReport:
    """Restore the database and media of ``path``, then replay later erasures.

    Called by ``manage.py restore`` only (an operator's act, never a task). Before
    anything is touched, the key and the whole file are checked and the erasures
    known now are collected: those of the current database and of the ledger files
    (``settings.COP_ERASURE_LEDGER`` and ``ledgers``). Then the database is replaced
    (PostgreSQL in one transaction), the media folder is swapped in, the erasures are
    replayed and the cache is cleared. ``manifest``: that of a :func:`backup_verify`
    just done (every chunk is authenticated again while restoring).
    """
    if manifest is None:
        manifest = backup_verify(path=path)
    engine = databases.engine()
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database, "
            f"but the configured database is {engine}; nothing was restored."
        )
    default_ledger = ledger_path()
    paths = [*([default_ledger] if default_ledger else []), *ledgers]
    known: list[LedgerEntry] = [
        *erasure_ledger_from_database(),
        *erasure_ledger_read(paths=paths),
    ]
    report = RestoreReport(created_at=str(manifest["created_at"]))
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".media-restore-", dir=media_root.parent))
    try:
        source, _header, state = _open(path)
        with source:
            for name, pieces in archive.members(crypto.chunks(source, state)):
                if name == databases.DUMP_NAMES[engine]:
                    databases.restore(pieces)
                elif name.startswith(MEDIA_PREFIX):
                    _media_write(staging / _safe_media_name(name), pieces)
                    report.media_files += 1
        _media_swap(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    connection.close()
    report.replayed = erasures_replay(entries=known)
    report.tables = table_counts()
    try:
        cache.clear()  # pages cached before the restore show data it replaced
    except Exception:  # a cache outage must not fail a finished restore
        logger.warning("restore: the cache could not be cleared", exc_info=True)
    return report


def _media_write(target: Path, pieces: Iterator[bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for piece in pieces:
            out.write(piece)


def _media_swap(staging: Path, media_root: Path) -> None:
    """Put the restored media in place; the old folder goes only once that worked."""
    fresh = staging / "new"
    fresh.mkdir(exist_ok=True)
    for child in list(staging.iterdir()):
        if child != fresh:
            child.rename(fresh / child.name)
    old = staging / "old"
    if media_root.exists():
        media_root.rename(old)
    fresh.rename(media_root)

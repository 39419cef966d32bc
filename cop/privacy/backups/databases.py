"""Dumping and restoring the configured database: PostgreSQL or the embedded SQLite.

PostgreSQL goes through ``pg_dump --format=custom`` and ``pg_restore
--single-transaction`` (a failed restore changes nothing), with the connection
settings passed in the environment, never on the command line. SQLite goes through
its online backup API, in memory, so the plaintext never lands on disk.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import IO

from django.db import connections

from cop.privacy.backups.crypto import BackupError

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
DUMP_NAMES = {POSTGRESQL: "database.pgdump", SQLITE: "database.sqlite3"}


def engine(alias: str = "default") -> str:
    """Return ``"postgresql"`` or ``"sqlite"`` for the configured database."""
    vendor = connections[alias].vendor
    if vendor not in (POSTGRESQL, SQLITE):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env(alias: str) -> dict[str, str]:
    settings = connections[alias].settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PG")  # only the configured database, nothing inherited
    }
    env.update(
        PGDATABASE=str(settings["NAME"]),
        PGHOST=str(settings.get("HOST") or ""),
        PGPORT=str(settings.get("PORT") or ""),
        PGUSER=str(settings.get("USER") or ""),
        PGPASSWORD=str(settings.get("PASSWORD") or ""),
        PGCONNECT_TIMEOUT="10",
    )
    sslmode = (settings.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return {key: value for key, value in env.items() if value}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed (Debian: apt-get install postgresql-client)."
        )
    return path


@contextmanager
def dump(alias: str = "default") -> Iterator[IO[bytes] | Iterable[bytes]]:
    """Yield the database's dump as a stream; ``BackupError`` if the dump failed."""
    if engine(alias) == SQLITE:
        yield [_sqlite_dump(alias)]
        return
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, settings via env
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_env(alias),
        )
        assert process.stdout is not None  # noqa: S101 - stdout=PIPE above
        try:
            yield process.stdout
        finally:
            process.stdout.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise BackupError(
                "pg_dump failed: " + errors.read().decode("utf-8", "replace").strip()
            )


def _sqlite_dump(alias: str) -> bytes:
    connection = connections[alias]
    connection.ensure_connection()
    memory = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(memory)  # a consistent snapshot, online
        return memory.serialize()
    finally:
        memory.close()


def restore(pieces: Iterator[bytes], alias: str = "default") -> None:
    """Replace the database's contents with the dump in ``pieces``.

    PostgreSQL: one transaction, so a failure leaves the database as it was.
    """
    connections[alias].close()
    if engine(alias) == SQLITE:
        _sqlite_restore(b"".join(pieces), alias)
        return
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments, settings via env
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                _pg_env(alias)["PGDATABASE"],
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            env=_pg_env(alias),
        )
        assert process.stdin is not None  # noqa: S101 - stdin=PIPE above
        try:
            for piece in pieces:
                process.stdin.write(piece)
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit code and message say why
        finally:
            with suppress(BrokenPipeError):
                process.stdin.close()
            code = process.wait()
        if code != 0:
            errors.seek(0)
            raise BackupError(
                "pg_restore failed, the database is unchanged: "
                + errors.read().decode("utf-8", "replace").strip()
            )


def _sqlite_restore(data: bytes, alias: str) -> None:
    memory = sqlite3.connect(":memory:")
    try:
        memory.deserialize(data)
        (result,) = memory.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError("The SQLite database in the backup is damaged.")
        target = sqlite3.connect(str(connections[alias].settings_dict["NAME"]))
        try:
            memory.backup(target)  # page by page, under SQLite's own locking
        finally:
            target.close()
    finally:
        memory.close()


def user_ids_reserve(*, table: str, above: int, alias: str = "default") -> None:
    """Make new rows of ``table`` get IDs above ``above`` (never an erased member's).

    A restore brings the ID sequence back to the backup's value; members who signed
    up after the backup and were erased must not have their IDs reused, or the
    erasure ledger would point at someone else.
    """
    connection = connections[alias]
    # ``table`` is a model's db_table, never input; it is quoted all the same.
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == POSTGRESQL:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST("  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) FROM {quoted}), %s, 1))",
                [table, above],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                [above, table],
            )

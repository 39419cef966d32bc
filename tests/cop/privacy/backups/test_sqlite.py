"""The embedded default's database (SQLite): dumped with the online backup API, in
memory, and restored page by page, through the encrypted archive."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from cop.privacy.backups import archive, crypto, databases
from cop.privacy.backups.crypto import BackupError

ALIAS = "sqlite_backup_drill"


@pytest.fixture
def sqlite_alias(tmp_path: Path, django_db_blocker) -> Iterator[Path]:
    """A file-based SQLite database, registered as a Django connection."""
    path = tmp_path / "cop.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE members_user (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT)"
        )
        db.executemany(
            "INSERT INTO members_user (email) VALUES (?)",
            [(f"m{n}@library.example",) for n in range(50)],
        )
    connections.settings[ALIAS] = connections.configure_settings(
        {
            "default": connections.settings["default"],
            ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        }
    )[ALIAS]
    try:
        with django_db_blocker.unblock():  # this test's own file, not the test database
            yield path
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def _rows(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT id, email FROM members_user ORDER BY id").fetchall()


def test_sqlite_round_trip_through_the_encrypted_archive(sqlite_alias):
    # given
    key = crypto.key_decode(crypto.key_generate())
    before = _rows(sqlite_alias)
    assert databases.engine(ALIAS) == databases.SQLITE
    sealed = io.BytesIO()
    writer = archive.ArchiveWriter(
        crypto.EncryptedWriter(sealed, key=key, header={"engine": "sqlite"})
    )
    with databases.dump(ALIAS) as dump:
        writer.add("database.sqlite3", dump)
    writer.close()
    assert b"m7@library.example" not in sealed.getvalue()
    # when: rows change after the backup, then it is restored
    with sqlite3.connect(sqlite_alias) as db:
        db.execute("DELETE FROM members_user WHERE id < 10")
        db.execute("INSERT INTO members_user (email) VALUES ('late@library.example')")
    sealed.seek(0)
    _header, state = crypto.header_read(sealed, key=key)
    for _name, pieces in archive.members(crypto.chunks(sealed, state)):
        databases.restore(pieces, ALIAS)
    # then
    assert _rows(sqlite_alias) == before


def test_sqlite_ids_are_reserved_above_erased_ones(sqlite_alias):
    databases.user_ids_reserve(table="members_user", above=500, alias=ALIAS)
    with sqlite3.connect(sqlite_alias) as db:
        cursor = db.execute("INSERT INTO members_user (email) VALUES ('new@x.example')")
        assert cursor.lastrowid == 501


def test_sqlite_restore_of_a_damaged_database_changes_nothing(sqlite_alias):
    before = _rows(sqlite_alias)
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        databases.restore(iter([b"SQLite format 3\x00" + b"\x00" * 200]), ALIAS)
    assert _rows(sqlite_alias) == before

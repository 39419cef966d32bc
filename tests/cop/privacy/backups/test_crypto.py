"""The encrypted stream and the archive inside it: round trip, wrong key, tampering."""

from __future__ import annotations

import io
import os

import pytest

from cop.privacy.backups import archive, crypto
from cop.privacy.backups.crypto import BackupDamagedError, BackupKeyError


def _seal(key: bytes, files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    writer = archive.ArchiveWriter(
        crypto.EncryptedWriter(out, key=key, header={"engine": "sqlite"})
    )
    for name, data in files.items():
        writer.add(name, io.BytesIO(data))
    writer.close()
    return out.getvalue()


def _open(key: bytes, sealed: bytes) -> dict[str, bytes]:
    source = io.BytesIO(sealed)
    _header, state = crypto.header_read(source, key=key)
    return {
        name: b"".join(pieces)
        for name, pieces in archive.members(crypto.chunks(source, state))
    }


@pytest.fixture
def key() -> bytes:
    return crypto.key_decode(crypto.key_generate())


def test_archive_round_trip_spans_several_chunks(key):
    # given: a file larger than two chunks, an empty one and a small one
    files = {
        "database.sqlite3": os.urandom(crypto.CHUNK_SIZE * 2 + 123),
        "media/empty.txt": b"",
        "media/images/a.png": b"\x89PNG small",
    }
    # when
    sealed = _seal(key, files)
    # then
    assert _open(key, sealed) == files


def test_archive_hides_its_contents(key):
    sealed = _seal(key, {"manifest.json": b"member@example.org " * 100})
    assert b"member@example.org" not in sealed
    assert b"manifest.json" not in sealed


def test_wrong_key_is_named_as_such(key):
    sealed = _seal(key, {"a": b"data"})
    other = crypto.key_decode(crypto.key_generate())
    with pytest.raises(BackupKeyError, match="does not match the key"):
        _open(other, sealed)


@pytest.mark.parametrize("where", [0.5, 0.99, -1])
def test_one_changed_byte_is_refused(key, where):
    sealed = bytearray(_seal(key, {"a": os.urandom(5000), "b": b"x" * 3000}))
    header_end = sealed.index(b"}") + 1
    position = len(sealed) - 1 if where == -1 else int(len(sealed) * where)
    position = max(position, header_end + 5)
    sealed[position] ^= 0x01
    with pytest.raises(BackupDamagedError, match="damaged"):
        _open(key, bytes(sealed))


def test_changed_header_is_refused(key):
    sealed = _seal(key, {"a": b"data"})
    tampered = sealed.replace(b'"engine": "sqlite"', b'"engine": "sqlitf"')
    assert tampered != sealed
    with pytest.raises(BackupDamagedError):
        _open(key, tampered)


def test_truncated_file_is_refused(key):
    sealed = _seal(key, {"a": os.urandom(crypto.CHUNK_SIZE + 10)})
    with pytest.raises(BackupDamagedError, match="truncated"):
        _open(key, sealed[: len(sealed) // 2])
    with pytest.raises(BackupDamagedError):
        _open(key, sealed + b"extra")


def test_not_a_backup_is_refused(key):
    with pytest.raises(BackupDamagedError, match="not a cop backup"):
        _open(key, b"PGDMP plain dump")


@pytest.mark.parametrize("value", ["", "short", "!" * 44])
def test_key_decode_refuses_what_is_not_a_key(value):
    with pytest.raises(BackupKeyError):
        crypto.key_decode(value)


@pytest.mark.django_db
def test_nightly_backup_task_without_a_key_does_nothing(settings, caplog):
    from cop.privacy.tasks import backup_create_task

    settings.COP_BACKUP_KEY = ""
    assert backup_create_task.delay().get() is None
    assert "COP_BACKUP_KEY is not set" in caplog.text
    assert not settings.COP_BACKUP_DIR.exists()


@pytest.mark.django_db
def test_nightly_backup_task_writes_and_keeps_the_newest(settings):
    from cop.privacy.tasks import backup_create_task

    settings.COP_BACKUP_KEY = crypto.key_generate()
    settings.COP_BACKUP_KEEP = 2
    settings.COP_BACKUP_DIR.mkdir(parents=True)
    for day in (1, 2):
        (
            settings.COP_BACKUP_DIR / f"cop-backup-2020010{day}T000000Z.cop-backup"
        ).write_bytes(b"")
    name = backup_create_task.delay().get()
    assert sorted(p.name for p in settings.COP_BACKUP_DIR.iterdir()) == [
        "cop-backup-20200102T000000Z.cop-backup",
        name,
    ]


def test_nightly_backup_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["backup-nightly"]
    assert entry["task"] == "cop.privacy.tasks.backup_create_task"

"""The restore drill on the configured database (PostgreSQL in CI: real pg_dump and
pg_restore against the test database): back up, change, restore, compare, replay."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cop.members.models import User
from cop.privacy.backups import crypto
from cop.privacy.backups.crypto import BackupDamagedError, BackupKeyError
from cop.privacy.models import Erasure
from cop.privacy.services.backup import (
    backup_create,
    backup_restore,
    backups_prune,
    table_counts,
)
from cop.privacy.services.erasure import member_erase
from discussions.models import Post
from tests.factories import PostFactory, UserFactory

# Transactional: pg_dump and pg_restore see only committed rows. Serialized rollback
# keeps the rows that migrations create for the tests that run after these.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def backup_key(settings):
    settings.COP_BACKUP_KEY = crypto.key_generate()
    return settings.COP_BACKUP_KEY


@pytest.fixture
def site(settings):
    """Three members with posts and one uploaded file."""
    people = {
        name: UserFactory(email=f"{name}@library.example", display_name=name.title())
        for name in ("alder", "birch", "cedar")
    }
    for person in people.values():
        PostFactory(author=person, body=f"A post by {person.display_name}.")
    media = Path(settings.MEDIA_ROOT) / "images"
    media.mkdir(parents=True)
    (media / "logo.png").write_bytes(b"\x89PNG logo")
    return people


def test_restore_drill_brings_back_every_row_and_file(site, settings):
    # given
    path = backup_create()
    before = table_counts()
    # when: the site is wiped (rows and media), then restored
    Post.objects.all().delete()
    User.objects.all().delete()
    (Path(settings.MEDIA_ROOT) / "images" / "logo.png").unlink()
    report = backup_restore(path=path)
    # then
    assert table_counts() == before
    assert report.tables == before
    assert report.media_files == 1
    assert (Path(settings.MEDIA_ROOT) / "images" / "logo.png").read_bytes() == (
        b"\x89PNG logo"
    )
    assert set(User.objects.values_list("email", flat=True)) >= {
        "alder@library.example",
        "birch@library.example",
    }


def test_backup_file_holds_no_plaintext_member_data(site):
    data = backup_create().read_bytes()
    assert b"alder@library.example" not in data
    assert b"A post by Alder" not in data
    assert b"PNG logo" not in data


def test_restore_replays_erasures_done_after_the_backup(site, settings):
    # given: a backup, then birch erases their account and a newcomer comes and goes
    path = backup_create()
    birch = site["birch"]
    member_erase(member=birch, actor=birch, keep_posts=False)
    newcomer = UserFactory(email="newcomer@library.example")
    member_erase(member=newcomer, actor=newcomer, keep_posts=True)
    assert settings.COP_ERASURE_LEDGER.read_text().count("\n") == 2
    # when: the older backup is restored (it still holds birch)
    report = backup_restore(path=path)
    # then: birch is erased again, the ledger is whole, new IDs skip erased ones
    assert report.replayed == 1
    assert not User.objects.filter(pk=birch.pk).exists()
    assert not Post.objects.filter(body__contains="Birch").exists()
    assert set(Erasure.objects.values_list("user_id", flat=True)) == {
        birch.pk,
        newcomer.pk,
    }
    assert User.objects.filter(email="alder@library.example").exists()
    assert UserFactory().pk > newcomer.pk


def test_restore_replays_the_ledger_file_when_the_database_is_lost(site, settings):
    # given: the erasure is known only from the ledger file (the database was lost)
    path = backup_create()
    cedar = site["cedar"]
    member_erase(member=cedar, actor=cedar, keep_posts=True)
    Erasure.objects.all().delete()
    # when
    report = backup_restore(path=path)
    # then
    assert report.replayed == 1
    assert not User.objects.filter(pk=cedar.pk).exists()
    assert Erasure.objects.filter(user_id=cedar.pk).exists()
    # and a second replay (another restore of the same backup) is harmless
    assert backup_restore(path=path).replayed == 1
    assert not User.objects.filter(pk=cedar.pk).exists()


def test_restore_with_the_wrong_key_changes_nothing(site, settings):
    # given: a backup, then a new member
    path = backup_create()
    UserFactory(email="later@library.example")
    settings.COP_BACKUP_KEY = crypto.key_generate()
    # when / then
    with pytest.raises(BackupKeyError, match="does not match"):
        backup_restore(path=path)
    assert User.objects.filter(email="later@library.example").exists()
    with pytest.raises(CommandError, match="does not match"):
        call_command("restore", str(path), "--noinput")


def test_restore_of_a_changed_file_changes_nothing(site, settings):
    # given: one byte of the backup changed, near its end (media, after the dump)
    path = backup_create()
    UserFactory(email="later@library.example")
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))
    # when / then: refused before the database is touched
    with pytest.raises(BackupDamagedError):
        backup_restore(path=path)
    assert User.objects.filter(email="later@library.example").exists()
    assert (Path(settings.MEDIA_ROOT) / "images" / "logo.png").exists()


def test_backup_without_a_key_says_how_to_make_one(settings):
    settings.COP_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="--generate-key"):
        call_command("backup")


def test_backup_and_restore_commands_round_trip(site, settings, capsys):
    # given
    call_command("backup", "--no-prune")
    (path,) = Path(settings.COP_BACKUP_DIR).glob("*.cop-backup")
    UserFactory(email="later@library.example")
    # when
    call_command("restore", str(path), "--check")
    assert User.objects.filter(email="later@library.example").exists()
    call_command("restore", str(path), "--noinput")
    # then
    out = capsys.readouterr().out
    assert "is intact" in out
    assert "Restored the backup" in out
    assert not User.objects.filter(email="later@library.example").exists()


def test_backups_prune_keeps_the_newest(tmp_path):
    names = [f"cop-backup-2026120{day}T020000Z.cop-backup" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept")
    deleted = backups_prune(directory=tmp_path, keep=2)
    assert [p.name for p in deleted] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == [*names[3:], "notes.txt"]

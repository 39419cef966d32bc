"""Write an encrypted backup of the database and media files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cop.privacy.backups.crypto import BackupError, key_generate
from cop.privacy.services.backup import backup_create, backups_prune


class Command(BaseCommand):
    help = (
        "Write one encrypted backup (database dump and media files, AES-256-GCM with "
        "the key in COP_BACKUP_KEY) into COP_BACKUP_DIR, then keep only the newest "
        "COP_BACKUP_KEEP backups there. --generate-key prints a new key instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate-key",
            action="store_true",
            help="Print a new random backup key and exit (store it apart from the backups).",
        )
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Folder to write the backup into (default: COP_BACKUP_DIR).",
        )
        parser.add_argument(
            "--no-prune",
            action="store_true",
            help="Keep every older backup of the folder.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(key_generate())
            return
        folder: Path | None = options["output_dir"]
        try:
            path = backup_create(directory=folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes).")
        if not options["no_prune"]:
            for old in backups_prune(directory=folder):
                self.stdout.write(f"Old backup deleted: {old.name}")

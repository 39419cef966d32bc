"""Restore an encrypted backup, then erase again the accounts erased since."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cop.privacy.backups.crypto import BackupError
from cop.privacy.services.backup import backup_restore, backup_verify
from cop.privacy.services.ledger import LedgerError


class Command(BaseCommand):
    help = (
        "Check the key and every byte of a backup, then replace the database and the "
        "media files with its contents and erase again every account erased since "
        "(from the current database and the erasure ledger files). Stop the web "
        "server and the workers first. --check only verifies the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The .cop-backup file.")
        parser.add_argument(
            "--ledger",
            type=Path,
            action="append",
            default=[],
            help="Another erasure ledger file to replay (repeatable).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the key and the file's integrity; change nothing.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            manifest = backup_verify(path=path)
            self.stdout.write(
                f"Backup of {manifest['created_at']} ({manifest['engine']}) is intact."
            )
            if options["check"]:
                return
            if options["interactive"]:
                answer = input(
                    "This replaces the whole database and the media files. "
                    "Type 'restore' to continue: "
                )
                if answer.strip() != "restore":
                    raise CommandError("Restore cancelled; nothing was changed.")
            report = backup_restore(
                path=path, ledgers=options["ledger"], manifest=manifest
            )
        except (BackupError, LedgerError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {report.created_at}: "
            f"{sum(report.tables.values())} rows in {len(report.tables)} tables, "
            f"{report.media_files} media files; "
            f"{report.replayed} accounts erased since the backup were erased again."
        )

"""Load the privacy reference data (frameworks, criteria, red flags) into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cop.privacy.services import ReferenceDataError, reference_data_load


class Command(BaseCommand):
    help = (
        "Validate the privacy reference data (cop/privacy/data/ by default) and upsert "
        "it. Idempotent: rows are matched by stable key, vanished rows are retired, "
        "never deleted. Exits non-zero, changing nothing, if the files have problems."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Folder holding frameworks.yaml, sources.yaml, criteria.yaml and red_flags.yaml.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path | None = options["data_dir"]
        if data_dir is not None and not data_dir.is_dir():
            raise CommandError(f"--data-dir {data_dir} is not a folder")
        try:
            report = reference_data_load(data_dir=data_dir)
        except ReferenceDataError as exc:
            for problem in exc.problems:
                self.stderr.write(f"  - {problem}")
            raise CommandError(
                f"{len(exc.problems)} problem(s) in the privacy reference data; nothing loaded"
            ) from None
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Privacy reference data loaded."))
        else:
            self.stdout.write(
                "Privacy reference data already up to date; nothing changed."
            )

"""``manage.py seed_demo [--scale demo|large]``: demo content for development and benchmarks.

Runs every seeder registered in :data:`cop.core.seeding.seeders` (members, vendors,
guides, later discussions), each in its own transaction, then lists the demo accounts
with their password and TOTP secrets. Idempotent. Refuses to run in production.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from cop.core.seeding import (
    SCALE_DEMO,
    SCALES,
    DemoAccount,
    collecting_demo_accounts,
    seeders,
)


class Command(BaseCommand):
    help = (
        "Create demo organisations, products, pages and one account per role "
        "(--scale large: benchmark volumes). Safe to run again; refuses production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=SCALES,
            default=SCALE_DEMO,
            help="demo: a small set to click through (default); large: benchmark volumes.",
        )

    def handle(self, *args: Any, scale: str, **options: Any) -> None:
        if settings.COP_ENVIRONMENT == "production":
            raise CommandError(
                "seed_demo refuses to run in production (COP_ENVIRONMENT=production), "
                "because demo accounts have a public password."
            )
        started = time.monotonic()
        with collecting_demo_accounts() as accounts:
            for key, seeder in seeders:
                step = time.monotonic()
                with transaction.atomic():
                    created = seeder(scale=scale, stdout=self.stdout) or {}
                self.stdout.write(
                    f"{key:<12} {_summary(created)}  ({time.monotonic() - step:.1f}s)"
                )
        _refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"seed_demo --scale {scale}: done in {time.monotonic() - started:.1f}s."
            )
        )
        self._write_accounts(accounts)

    def _write_accounts(self, accounts: list[DemoAccount]) -> None:
        if not accounts:
            return
        password = settings.COP_DEMO_PASSWORD
        rows = [("E-mail", "Role", "Password", "TOTP secret")] + [
            (a.email, a.role, password, a.totp_secret or "-") for a in accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write("Demo accounts:")
        for row in rows:
            self.stdout.write(
                "  "
                + "  ".join(
                    cell.ljust(w) for cell, w in zip(row, widths, strict=True)
                ).rstrip()
            )
        self.stdout.write("")
        self.stdout.write("TOTP URIs (paste into an authenticator app):")
        for a in accounts:
            if a.totp_uri:
                self.stdout.write(f"  {a.totp_uri}")
        self.stdout.write(
            "Current code for a secret: .venv/bin/python manage.py shell --no-imports -c "
            '"from cop.core.seeding import totp_current_code; '
            "print(totp_current_code('SECRET'))\"  (or: oathtool --totp -b SECRET)"
        )


def _summary(created: dict[str, int]) -> str:
    """Return ``"+3 users, +2 products"`` or ``"nothing new"``."""
    parts = [f"+{count} {name}" for name, count in created.items() if count]
    return ", ".join(parts) if parts else "nothing new"


def _refresh_planner_statistics() -> None:
    """Let PostgreSQL see the rows just written (VACUUM ANALYZE; SQLite: nothing).

    Autovacuum would do it some minutes later; until then the planner believes the
    fresh tables empty and picks plans for a few rows (measured: the space page's
    topic query joined all 426 topics of a space before sorting them), and the
    vacuum it starts meanwhile competes with whatever runs next (the benchmark).
    """
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

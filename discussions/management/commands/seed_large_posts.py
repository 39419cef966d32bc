"""``manage.py seed_large_posts [--posts 100000]``: more replies on the large seed.

Adds replies to the ``seed_demo --scale large`` topics until the site holds
``--posts`` posts (bulk inserts, about 20 s per 50,000), for the search benchmark.
Idempotent; refuses to run in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from discussions.seeding.volume import large_posts_extend


class Command(BaseCommand):
    help = (
        "Add replies to the large seed's topics until there are --posts posts "
        "(run seed_demo --scale large first). Safe to run again; refuses production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--posts", type=int, default=100_000)

    def handle(self, *args: Any, posts: int, **options: Any) -> None:
        if settings.COP_ENVIRONMENT == "production":
            raise CommandError("seed_large_posts refuses to run in production.")
        if not 1 <= posts <= 1_000_000:
            raise CommandError("--posts must be between 1 and 1,000,000.")
        with transaction.atomic():
            added = large_posts_extend(total=posts)
        # Let the planner see the new rows now (not inside a test's transaction).
        if added and connection.vendor == "postgresql" and connection.get_autocommit():
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE discussions_post")
        self.stdout.write(f"seed_large_posts: +{added} posts.")

"""Digest benchmark: build and send every due digest to a local SMTP server.

``python -m tests.bench.digest [--members 1000,10000] [--source large|synthetic]
[--processes 2] [--database-url URL [--reuse]]``

1. migrates a fresh SQLite file in a temporary folder (or the database of
   ``--database-url``; with ``--reuse`` that database was migrated and seeded by an
   earlier run, and both steps are skipped) and seeds it, unless its subscribers
   are there already: with ``--source large`` (the default) by
   ``load_privacy_framework`` and ``seed_demo --scale large`` (10,000 digest
   subscribers, daily or weekly, over 24 hours and 8 time zones, watching spaces
   and products, and a week of activity: 2,000 topics, 50,000 posts); with
   ``--source synthetic`` by this script's own ``bulk_create`` data (members each
   watching 1-3 spaces, a tag, 3 topics and a vendor; 300 new topics, accepted
   answers, released red flags, roadmap changes);
2. starts an aiosmtpd SMTP server on 127.0.0.1 (a free port) in this process: a
   real SMTP conversation for every message;
3. for each member count, makes exactly that many subscribers due now and runs
   ``--processes`` worker processes in parallel (default 2: a Celery worker's
   concurrency on this 2-core machine; ``--processes 1`` for one process), each
   walking the due members in chunks (``digest_due_batch``) as the beat fan-out
   does and running ``send_digest_batch_task`` for its share of the batches
   through Django's SMTP backend. It reports wall time (first start to last end),
   CPU time, SQL queries per member (all processes) and peak memory
   (``resource.getrusage(...).ru_maxrss``) per process and summed.

It prints the results; it never asserts a time (target on a 2-core machine: under
2 minutes and 500 MB for 10,000 members, and queries per member the same at 1,000
and 10,000). ``tests/bench/test_digest_bench.py`` runs it (marker ``bench``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]
SLOT = datetime(2026, 11, 23, 8, tzinfo=UTC)
PERIOD_START = SLOT - timedelta(days=7)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.test")
    import django

    django.setup()


# ----------------------------------------------------------------- seeding


def seed_large() -> None:
    """Seed the reference data and ``seed_demo --scale large`` (10,000 subscribers)."""
    _setup_django()
    from django.core.management import call_command

    from discussions.models import DiscussionSettings
    from discussions.seeding import DIGEST_EMAIL_PREFIX

    if DiscussionSettings.objects.filter(
        user__email__startswith=DIGEST_EMAIL_PREFIX
    ).exists():
        return  # a kept --database-url already holds the large seed
    call_command("load_privacy_framework", verbosity=0)
    call_command("seed_demo", scale="large", verbosity=0)


def seed(members: int) -> None:
    """Create ``members`` digest subscribers and a week of activity (bulk inserts)."""
    _setup_django()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cop.members.models import Organisation
    from discussions.models import (
        DiscussionSettings,
        Post,
        Space,
        Subscription,
        Tag,
        Topic,
    )
    from vendors.models import Product, RoadmapItem, RoadmapStatusChange

    rng = random.Random(20261122)
    user_model = get_user_model()
    if user_model.objects.filter(email__endswith="@bench.example").exists():
        # A kept --database-url: reuse its subscribers (make_due says if too few).
        return
    with transaction.atomic():
        users = user_model.objects.bulk_create(
            [
                user_model(
                    email=f"bench{i}@bench.example",
                    display_name=f"Bench member {i}",
                    display_name_key=f"bench member {i}",
                    password="!",  # unusable
                    is_active=True,
                )
                for i in range(members)
            ],
            batch_size=2000,
        )
        users = list(
            user_model.objects.filter(email__endswith="@bench.example").order_by("pk")
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=u, email=u.email, verified=True, primary=True)
                for u in users
            ],
            batch_size=2000,
        )
        DiscussionSettings.objects.bulk_create(
            [
                DiscussionSettings(user=u, next_digest_at=SLOT + timedelta(days=7))
                for u in users
            ],
            batch_size=2000,
        )
        spaces = [
            Space.objects.create(
                name=f"Bench space {i}",
                slug=f"bench-space-{i}",
                visibility="public" if i % 2 else "members",
            )
            for i in range(6)
        ]
        tags = [
            Tag.objects.create(name=f"bench-tag-{i}", slug=f"bench-tag-{i}")
            for i in range(4)
        ]
        authors = users[:50]
        topics = Topic.objects.bulk_create(
            [
                Topic(
                    space=spaces[i % len(spaces)],
                    author=authors[i % len(authors)],
                    kind="red_flag"
                    if i % 25 == 0
                    else ("question" if i % 3 == 0 else "general"),
                    title=f"Bench topic {i} about patron privacy",
                    slug=f"bench-topic-{i}",
                    last_activity_at=PERIOD_START + timedelta(minutes=30 * i),
                    review_state="approved",
                    embargo_state="released" if i % 25 == 0 else "none",
                    released_at=PERIOD_START + timedelta(hours=i % 150)
                    if i % 25 == 0
                    else None,
                )
                for i in range(300)
            ]
        )
        Topic.objects.filter(slug__startswith="bench-topic-").update(
            created_at=PERIOD_START + timedelta(hours=12)
        )
        topics = list(
            Topic.objects.filter(slug__startswith="bench-topic-").order_by("pk")
        )
        Topic.tags.through.objects.bulk_create(
            [
                Topic.tags.through(topic=t, tag=tags[i % len(tags)])
                for i, t in enumerate(topics)
            ]
        )
        posts = Post.objects.bulk_create(
            [
                Post(
                    topic=t,
                    number=1,
                    author=authors[(i + 1) % len(authors)],
                    body="An answer.",
                    body_html="<p>An answer.</p>",
                    is_vendor_response=t.kind == "red_flag",
                    review_state="approved",
                )
                for i, t in enumerate(topics)
            ]
        )
        questions = [
            (t, p) for t, p in zip(topics, posts, strict=True) if t.kind == "question"
        ]
        for topic, post in questions[:40]:
            Topic.objects.filter(pk=topic.pk).update(
                accepted_answer=post, updated_at=PERIOD_START + timedelta(days=2)
            )
        orgs = [
            Organisation.objects.create(
                kind="vendor", name=f"Bench vendor {i}", slug=f"bench-vendor-{i}"
            )
            for i in range(3)
        ]
        products = [
            Product.objects.create(
                organisation=o,
                name=f"Bench product {i}",
                slug=f"bench-product-{i}",
                product_type="lms",
            )
            for i, o in enumerate(orgs)
        ]
        for i in range(12):
            item = RoadmapItem.objects.create(
                product=products[i % 3],
                title=f"Bench roadmap item {i}",
                status="in_progress",
            )
            RoadmapStatusChange.objects.create(
                item=item,
                from_status="planned",
                to_status="in_progress",
                changed_at=PERIOD_START + timedelta(hours=10 + i),
            )
        subs = []
        for user in users:
            for space in rng.sample(spaces, rng.randint(1, 3)):
                subs.append(Subscription(user=user, level="watching", space=space))
            subs.append(Subscription(user=user, level="watching", tag=rng.choice(tags)))
            for topic in rng.sample(topics, 3):
                subs.append(Subscription(user=user, level="normal", topic=topic))
            subs.append(
                Subscription(user=user, level="normal", organisation=rng.choice(orgs))
            )
        Subscription.objects.bulk_create(subs, batch_size=5000, ignore_conflicts=True)
    _analyze()


def _analyze() -> None:
    """Let PostgreSQL's planner see the rows just written (as autovacuum would).

    Without it a database where autovacuum is off (or behind) plans the due
    selection for a thousand members and hashes all 50,000 addresses per chunk.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# ----------------------------------------------------------------- one worker run


def make_due(members: int, source: str) -> str:
    """Make exactly ``members`` subscribers due and fan out their batches.

    Walks the due members as ``schedule_due_digests_task`` does (chunks of
    ``BATCH_SIZE``, each one batch task) and writes the batches to a JSON file
    the workers share out; returns that file's path.
    """
    _setup_django()
    from django.utils import timezone

    from discussions.models import DigestDelivery, DiscussionSettings

    if source == "large":
        from discussions.seeding import DIGEST_EMAIL_PREFIX

        subscribers = DiscussionSettings.objects.filter(
            user__email__startswith=DIGEST_EMAIL_PREFIX
        )
        now = timezone.now()
    else:
        subscribers = DiscussionSettings.objects.all()
        now = SLOT + timedelta(minutes=3)
    DigestDelivery.objects.all().delete()
    ids = list(subscribers.order_by("user_id").values_list("user_id", flat=True))
    if len(ids) < members:
        raise SystemExit(f"only {len(ids)} digest subscribers, {members} wanted")
    DiscussionSettings.objects.update(
        next_digest_at=now + timedelta(days=30), last_digest_at=None
    )
    for chunk in range(0, members, 2000):
        DiscussionSettings.objects.filter(
            user_id__in=ids[chunk : min(chunk + 2000, members)]
        ).update(next_digest_at=now - timedelta(minutes=1))
    _analyze()
    from django.db import connection

    from discussions.services.digests import digest_due_batch
    from discussions.tasks.digests import BATCH_SIZE

    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    batches = []
    with connection.execute_wrapper(count):
        after = 0
        while True:
            batch = digest_due_batch(now=now, after_user_id=after, limit=BATCH_SIZE)
            if batch:
                batches.append([[u, s.isoformat(), e.isoformat()] for u, s, e in batch])
            if len(batch) < BATCH_SIZE:
                break
            after = batch[-1][0]
    path = Path(os.environ["COP_VAR_DIR"]) / "digest-batches.json"
    path.write_text(json.dumps({"batches": batches, "queries": queries}))
    return str(path)


def work(batches_file: str, part: int, parts: int) -> dict[str, Any]:
    """Run every ``parts``-th batch task of the fan-out (from ``part``); return measures.

    One process is one Celery worker child taking its share of the batch tasks.
    """
    _setup_django()
    import resource

    from django.db import connection

    from discussions.tasks.digests import send_digest_batch_task

    batches = json.loads(Path(batches_file).read_text())["batches"][part::parts]
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    states: dict[str, int] = {}
    # COP_BENCH_PROFILE_DIR: each worker process writes its cProfile statistics there.
    profile_dir = os.environ.get("COP_BENCH_PROFILE_DIR", "")
    # Timed by CPU time: on a shared machine, wall time mostly measures the neighbours.
    profiler = cProfile.Profile(time.process_time) if profile_dir else None
    started, cpu_started = time.time(), time.process_time()
    with connection.execute_wrapper(count):
        if profiler is not None:
            profiler.enable()
        for batch in batches:
            for state, number in send_digest_batch_task.run(batch).items():
                states[state] = states.get(state, 0) + number
        if profiler is not None:
            profiler.disable()
            members = sum(len(batch) for batch in batches)
            profiler.dump_stats(Path(profile_dir) / f"digest-{members}-{part}.prof")
    return {
        "started": started,
        "ended": time.time(),
        "cpu_seconds": time.process_time() - cpu_started,
        "queries": queries,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "states": states,
    }


def run_workers(
    members: int, source: str, processes: int, env: dict[str, str]
) -> dict[str, Any]:
    """Make ``members`` due, run ``processes`` workers in parallel; return the totals."""
    batches_file = _run(
        ["--phase", "due", "--members", str(members), "--source", source], env
    ).splitlines()[-1]
    fan_out_queries = json.loads(Path(batches_file).read_text())["queries"]
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter
            [
                sys.executable,
                "-m",
                "tests.bench.digest",
                "--phase",
                "work",
                "--batches",
                batches_file,
                "--part",
                str(part),
                "--processes",
                str(processes),
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in range(processes)
    ]
    parts = []
    for child in children:
        out, err = child.communicate(timeout=3600)
        if child.returncode:
            raise RuntimeError(err[-4000:])
        parts.append(json.loads(out.splitlines()[-1]))
    states: dict[str, int] = {}
    for part in parts:
        for state, number in part["states"].items():
            states[state] = states.get(state, 0) + number
    return {
        "members": members,
        "processes": processes,
        "seconds": round(
            max(p["ended"] for p in parts) - min(p["started"] for p in parts), 1
        ),
        "cpu_seconds": round(sum(p["cpu_seconds"] for p in parts), 1),
        # The fan-out's due queries (beat's part) plus every worker's.
        "queries_per_member": round(
            (fan_out_queries + sum(p["queries"] for p in parts)) / members, 2
        ),
        "peak_mb": round(max(p["peak_mb"] for p in parts), 1),
        "peak_mb_all_processes": round(sum(p["peak_mb"] for p in parts), 1),
        "states": states,
    }


# ----------------------------------------------------------------- orchestration


class _CountingSink:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self._lock:
            self.count += 1
        return "250 OK"


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "tests.bench.digest", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-4000:])
    return result.stdout


def _migrate_and_seed(env: dict[str, str], source: list[str], members: int) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=900,
    )
    _run(["--phase", "seed", "--members", str(members), *source], env)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the benchmark and print one line per member count; return the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", default="1000,10000")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--source", choices=["large", "synthetic"], default="large")
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="worker processes in parallel (a Celery worker's concurrency; 2 cores here)",
    )
    parser.add_argument(
        "--phase", choices=["all", "seed", "due", "work"], default="all"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="the --database-url is migrated and seeded by an earlier run: skip both",
    )
    parser.add_argument("--batches", default="")
    parser.add_argument("--part", type=int, default=0)
    options = parser.parse_args(argv)
    counts = [int(n) for n in options.members.split(",")]
    if options.phase == "seed":
        if options.source == "large":
            seed_large()
        else:
            seed(max(counts))
        return []
    if options.phase == "due":
        print(make_due(counts[0], options.source))  # noqa: T201 - the parent reads it
        return []
    if options.phase == "work":
        result = work(options.batches, options.part, options.processes)
        print(json.dumps(result))  # noqa: T201 - the parent reads it
        return [result]

    from aiosmtpd.controller import Controller

    with tempfile.TemporaryDirectory(prefix="cop-digest-bench-") as tmp:
        sink = _CountingSink()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cop.settings.dev",
            "DJANGO_DEBUG": "false",
            "COP_VAR_DIR": tmp,
            "DATABASE_URL": options.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "COP_LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        seeded = time.perf_counter()
        source = ["--source", options.source]
        if not (options.reuse and options.database_url):
            _migrate_and_seed(env, source, max(counts))
        print(  # noqa: T201
            f"seeded ({options.source}) in {time.perf_counter() - seeded:.1f} s; "
            f"load average {Path('/proc/loadavg').read_text().split()[:3]}"
        )
        results = []
        for count in counts:
            before = sink.count
            result = run_workers(count, options.source, options.processes, env)
            result["smtp_messages"] = sink.count - before
            result["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
            results.append(result)
            print(  # noqa: T201
                f"digests for {result['members']:>6} members, {options.processes} worker "
                f"process(es): {result['seconds']:>7.1f} s "
                f"({result['cpu_seconds']:.1f} s CPU), "
                f"{result['queries_per_member']:.2f} queries/member, peak "
                f"{result['peak_mb']:.0f} MB per process "
                f"({result['peak_mb_all_processes']:.0f} MB all), "
                f"{result['smtp_messages']} messages, "
                f"{result['states']}, load average after {result['loadavg']}"
            )
        controller.stop()
    return results


if __name__ == "__main__":
    main()

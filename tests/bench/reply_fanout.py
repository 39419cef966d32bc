"""Reply benchmark: the server time of a reply in a space with 10 and 10,000 watchers.

``python -m tests.bench.reply_fanout [--watchers 10,10000] [--replies 15]
[--database-url URL]``

1. migrates a fresh SQLite file in a temporary folder (or the empty database of
   ``--database-url``, e.g. ``postgres://postgres@127.0.0.1:5432/cop_bench``; the
   figures of the issue are PostgreSQL's) with DEBUG off;
2. for each watcher count, makes a public space watched by that many members (all
   wanting instant e-mails, so each would get an outbox row), a topic in it and a
   replier, then posts ``--replies`` replies through Django's full request stack
   (test client, every middleware) and times each request: the server time of the
   reply, without the network. The Celery broker is kombu's in-memory transport,
   so the on-commit enqueue costs a publish, as with Redis, and no worker runs;
3. then runs the fan-out of one of those replies as the worker would (batch after
   batch) and times it: the work that left the request.

It prints the median and 95th percentile reply times per watcher count and the
fan-out time; it never asserts a time. ``tests/bench/test_reply_fanout_bench.py``
runs it (marker ``bench``); each count runs in a process of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parents[2]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")
    import django

    django.setup()


def seed(watchers: int) -> dict[str, int]:
    """Create a public space watched by ``watchers`` members, a topic and a replier."""
    _setup_django()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from discussions.models import (
        DiscussionSettings,
        Post,
        Space,
        Subscription,
        Topic,
    )

    user_model = get_user_model()
    tag = f"w{watchers}"
    with transaction.atomic():
        space = Space.objects.create(
            name=f"Bench space {tag}", slug=f"bench-{tag}", visibility="public"
        )
        replier = user_model.objects.create(
            email=f"replier-{tag}@bench.example", display_name=f"Bench replier {tag}"
        )
        opener = user_model.objects.create(
            email=f"opener-{tag}@bench.example", display_name=f"Bench opener {tag}"
        )
        topic = Topic.objects.create(
            space=space,
            author=opener,
            title="Retention of loan history",
            slug="retention",
            last_activity_at=timezone.now(),
        )
        Post.objects.create(
            topic=topic, number=1, author=opener, body="Opening post.", body_html=""
        )
        Topic.objects.filter(pk=topic.pk).update(last_post_number=1, post_count=1)
        users = user_model.objects.bulk_create(
            [
                user_model(
                    email=f"watcher-{tag}-{n}@bench.example",
                    display_name=f"Bench watcher {tag} {n}",
                    display_name_key=f"bench watcher {tag} {n}",
                )
                for n in range(watchers)
            ],
            batch_size=2000,
        )
        if any(user.pk is None for user in users):  # a database without RETURNING
            users = list(user_model.objects.filter(email__startswith=f"watcher-{tag}-"))
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=u, email=u.email, verified=True, primary=True)
                for u in users
            ],
            batch_size=2000,
        )
        DiscussionSettings.objects.bulk_create(
            [DiscussionSettings(user=u, email_notifications=True) for u in users],
            batch_size=2000,
        )
        Subscription.objects.bulk_create(
            [Subscription(user=u, space=space, level="watching") for u in users],
            batch_size=2000,
        )
    return {"topic": topic.pk, "replier": replier.pk}


def measure(watchers: int, replies: int) -> dict[str, Any]:
    """Seed, post ``replies`` replies through the request stack, time them and the fan-out."""
    ids = seed(watchers)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from discussions.models import Notification, NotificationEvent, Post

    client = Client()
    client.force_login(get_user_model().objects.get(pk=ids["replier"]))
    url = reverse("discussions:post_reply", kwargs={"topic_id": ids["topic"]})
    client.post(url, {"body": "A first reply warms the caches."})
    times: list[float] = []
    queries = 0
    for n in range(replies):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, {"body": f"Reply {n} about loan history."})
            times.append(time.perf_counter() - started)
        queries = len(captured)
        if response.status_code != 302:
            raise RuntimeError(f"a reply answered {response.status_code}")
    last = Post.objects.filter(topic_id=ids["topic"]).order_by("-number").first()
    fan_out = _fan_out(last)
    times.sort()
    return {
        "watchers": watchers,
        "replies": replies,
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] * 1000,
        "max_ms": times[-1] * 1000,
        "queries_per_reply": queries,
        "rows_in_request": Notification.objects.filter(post=last).count()
        if not fan_out
        else 0,
        "events": NotificationEvent.objects.filter(post__topic_id=ids["topic"]).count(),
        **fan_out,
    }


def _fan_out(post: Any) -> dict[str, Any]:
    """Run the reply's fan-out as the worker would; return its time, batches and rows."""
    from django.test.utils import CaptureQueriesContext

    from discussions.models import Notification, NotificationEvent

    event = NotificationEvent.objects.filter(post=post).first()
    if event is None:
        return {}
    from django.db import connection

    from discussions.services import notification_event_fan_out

    batches = 0
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        while True:
            batches += 1
            if not notification_event_fan_out(event_id=event.pk):
                break
    return {
        "fan_out_seconds": time.perf_counter() - started,
        "fan_out_batches": batches,
        "fan_out_queries": len(captured),
        "notifications": Notification.objects.filter(post=post).count(),
    }


def _run(args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "tests.bench.reply_fanout", *args],
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


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    """Run the benchmark and print one line per watcher count; return the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", default="10,10000")
    parser.add_argument("--replies", type=int, default=15)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--phase", choices=["all", "measure"], default="all")
    options = parser.parse_args(argv)
    counts = [int(n) for n in options.watchers.split(",")]
    if options.phase == "measure":
        print(json.dumps(measure(counts[0], options.replies)))  # noqa: T201 - the parent reads it
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="cop-reply-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cop.settings.dev",
            "DJANGO_DEBUG": "false",
            "COP_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
            "COP_VAR_DIR": tmp,
            "DATABASE_URL": options.database_url or f"sqlite:///{tmp}/bench.sqlite3",
            # A real publish per reply, in memory: no Redis, no worker.
            "CELERY_BROKER_URL": "memory://",
            "COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS": "0",
            "COP_LOG_LEVEL": "WARNING",
        }
        env.pop("REDIS_URL", None)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=900,
        )
        for count in counts:
            out = _run(
                [
                    "--phase",
                    "measure",
                    "--watchers",
                    str(count),
                    "--replies",
                    str(options.replies),
                ],
                env,
            )
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            fan_out = (
                f"; fan-out of one reply in the worker: "
                f"{result['fan_out_seconds']:.2f} s, {result['fan_out_batches']} "
                f"batch(es), {result['fan_out_queries']} queries, "
                f"{result['notifications']} notifications"
                if "fan_out_seconds" in result
                else f"; {result['rows_in_request']} notifications written in the request"
            )
            print(  # noqa: T201
                f"reply with {count:>6} watchers: median {result['median_ms']:.0f} ms, "
                f"p95 {result['p95_ms']:.0f} ms, max {result['max_ms']:.0f} ms "
                f"over {result['replies']} replies, "
                f"{result['queries_per_reply']} queries per reply{fan_out}",
                flush=True,
            )
    return results


if __name__ == "__main__":
    main()

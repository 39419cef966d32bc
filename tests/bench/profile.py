"""``python -m tests.bench.profile``: where the time of one page goes, in-process.

    .venv/bin/python -m tests.bench.profile --path /discussions/ --member
    .venv/bin/python -m tests.bench.profile --path /discussions/t/1/slug/?page=5 --requests 50

Requests ``--path`` ``--requests`` times through Django's test client (the whole
middleware stack, no network) on the database of ``DATABASE_URL`` (seeded, e.g. by
``seed_demo --scale large``) with the benchmark's production-like settings, under
:mod:`cProfile`, after two unprofiled requests (caches warm, as under load). Prints
the mean time and SQL queries per request, then the functions with the most
cumulative and own time. ``--member`` signs in as the demo library worker
(library@example.org). Nothing is written.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time


def main(argv: list[str] | None = None) -> int:
    """Profile one page; return the exit status (1 if it did not answer 200)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.profile", description=__doc__
    )
    parser.add_argument("--path", default="/discussions/")
    parser.add_argument("--member", action="store_true", help="signed in")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "profile-not-secret")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if args.member:
        client.force_login(get_user_model().objects.get(email="library@example.org"))
    for _ in range(2):
        status = client.get(args.path).status_code
    if status != 200:
        sys.stderr.write(f"{args.path} answered {status}\n")
        return 1
    count = max(1, min(args.requests, 1000))
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        profiler.enable()
        for _ in range(count):
            client.get(args.path)
        profiler.disable()
        elapsed = time.perf_counter() - started
    sys.stdout.write(
        f"{args.path} ({'signed in' if args.member else 'anonymous'}): "
        f"{elapsed / count * 1000:.1f} ms and {len(queries) / count:.1f} queries "
        f"per request over {count} requests (under the profiler)\n"
    )
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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

``--cpu`` measures instead of profiling: the CPU time of this process per request
(``time.process_time``, the database's and Redis's own work excluded), the median of
``--rounds`` rounds, with no profiler overhead. ``--bare`` measures the bare Django
hello-world of :mod:`tests.bench.bare_settings` the same way (no database), so that
the two CPU times give the ratio of a page to the benchmark's baseline::

    .venv/bin/python -m tests.bench.profile --bare --cpu --requests 2000
    .venv/bin/python -m tests.bench.profile --cpu --member --path /discussions/
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from typing import Any


def main(argv: list[str] | None = None) -> int:
    """Profile one page; return the exit status (1 if it did not answer 200)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.profile", description=__doc__
    )
    parser.add_argument("--path", default="/discussions/")
    parser.add_argument("--member", action="store_true", help="signed in")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--cpu", action="store_true", help="CPU time, no profiler")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of --cpu")
    parser.add_argument(
        "--bare", action="store_true", help="the bare hello-world baseline"
    )
    args = parser.parse_args(argv)
    if args.bare:
        os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.bare_settings"
        args.path, args.member = "/hello/", False
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
    elif args.bare:
        client.get("/hello/")  # the bare project has no database to count
        CaptureQueriesContext = _NoQueries  # type: ignore[misc,assignment]  # noqa: N806
    for _ in range(2):
        status = client.get(args.path).status_code
    if status != 200:
        sys.stderr.write(f"{args.path} answered {status}\n")
        return 1
    count = max(1, min(args.requests, 10_000))
    if args.cpu:
        return _cpu(client, args.path, count, max(1, args.rounds), args.member)
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


class _NoQueries(list[Any]):
    """A stand-in for CaptureQueriesContext where there is no database."""

    def __init__(self, _connection: Any) -> None:
        super().__init__()

    def __enter__(self) -> _NoQueries:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _cpu(client: Any, path: str, count: int, rounds: int, member: bool) -> int:
    """Print the median CPU time per request of ``rounds`` rounds of ``count``."""
    times = []
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(count):
            client.get(path)
        times.append((time.process_time() - started) / count)
    times.sort()
    median = times[len(times) // 2]
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    sys.stdout.write(
        f"{path} ({'signed in' if member else 'anonymous'}): "
        f"{median * 1000:.3f} ms CPU per request (median of {rounds} rounds of "
        f"{count}; load average {load})\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

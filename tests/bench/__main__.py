"""``python -m tests.bench``: cop's pages against a bare Django hello-world, with wrk.

    .venv/bin/python -m tests.bench                    # large seed, PostgreSQL + Redis
    .venv/bin/python -m tests.bench --scale demo --duration 2 --rounds 1
    .venv/bin/python -m tests.bench --database-url postgres://.../cop_bench --no-seed

See :mod:`tests.bench.harness`. Writes ``var/bench/results.md`` (``--output``).
Exit status 1 when any measured request failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.bench.harness import DEFAULT_OUTPUT, Options, run
from tests.bench.wrk import WrkMissingError


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark, and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--scale", choices=["demo", "large"], default="large")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds (0: none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument(
        "--database-url", default="", help="an existing database instead of a new one"
    )
    parser.add_argument("--redis-url", default="", help="an existing Redis")
    parser.add_argument(
        "--no-seed", action="store_true", help="--database-url is seeded already"
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite and no Redis (quick checks)"
    )
    parser.add_argument("--page", action="append", default=[], help="only this page")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--keep", action="store_true", help="keep logs and database")
    args = parser.parse_args(argv)
    if args.no_seed and not args.database_url:
        parser.error("--no-seed needs --database-url")
    options = Options(
        scale=args.scale,
        duration=min(max(args.duration, 1.0), 60.0),
        warmup=min(max(args.warmup, 0.0), 30.0),
        rounds=min(max(args.rounds, 1), 9),
        threads=min(max(args.threads, 1), 16),
        connections=min(max(args.connections, 1), 256),
        database_url=args.database_url,
        redis_url=args.redis_url,
        sqlite=args.sqlite,
        seed=not args.no_seed,
        keep=args.keep,
        output=args.output,
        pages=tuple(args.page),
    )
    try:
        rows = run(options)
    except (WrkMissingError, RuntimeError) as exc:
        sys.stderr.write(f"benchmark failed: {exc}\n")
        return 2
    return 1 if any(row.measured.failed for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

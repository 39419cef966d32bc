"""``python -m tests.bench``: throughput of the public vendor pages vs. a baseline.

    .venv/bin/python -m tests.bench                  # large seed, 5 s per target
    .venv/bin/python -m tests.bench --scale demo --duration 2
    .venv/bin/python -m tests.bench --database-url postgres://postgres@127.0.0.1:5432/cop_bench

See :mod:`tests.bench.harness`. Exit status 1 when any measured request failed.
"""

from __future__ import annotations

import argparse
import sys

from tests.bench.harness import Options, run


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run the benchmark, and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--scale", choices=["demo", "large"], default="large")
    parser.add_argument(
        "--duration", type=float, default=5.0, help="seconds per target"
    )
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per target")
    parser.add_argument(
        "--database-url",
        default="",
        help="an existing, empty database to use instead of a fresh SQLite file",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    options = Options(
        scale=args.scale,
        duration=min(max(args.duration, 0.5), 60.0),
        threads=min(max(args.threads, 1), 32),
        max_requests=min(max(args.max_requests, 10), 200_000),
        database_url=args.database_url,
        keep=args.keep,
    )
    results = run(options)
    return 1 if any(result.errors for result in results) else 0


if __name__ == "__main__":
    sys.exit(main())

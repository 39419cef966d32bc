"""``make loadtest``: locust against the whole platform on PostgreSQL and Redis.

``python -m tests.ops.loadtest [--users 50] [--duration 60] [--scale demo|large]``
prepares a throw-away database (``seed_demo``), starts gunicorn, a Celery worker and
beat on 127.0.0.1 (:mod:`tests.ops.platform`), makes sessions for the seeded library
workers before the load, and runs locust headless (:mod:`tests.ops.locustfile`):
anonymous readers, searchers and signed-in members who reply. It prints requests/s
and p50/p95/p99 overall and per page, then checks the database: every reply the
server acknowledged (a redirect) must be stored exactly once. Exits non-zero on any
5xx answer or any acknowledged reply not stored exactly once; the last line is the
summary.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.ops.platform import BASE_DIR, Platform, say


def _locust(platform: Platform, args: argparse.Namespace) -> dict[str, Any]:
    workdir = platform.workdir
    targets = platform.targets()
    if not targets["topics"] or not targets["workers"]:
        raise RuntimeError(
            f"the seeded data has no public topics or members: {targets}"
        )
    targets["sessions"] = platform.member_sessions(targets["workers"], per_member=2)
    (workdir / "targets.json").write_text(json.dumps(targets))
    say(
        f"load: {args.users} users for {args.duration} s on {platform.base_url} "
        f"({len(targets['topics'])} topics, {len(targets['sessions'])} member sessions)"
    )
    locust = shutil.which("locust", path=str(Path(sys.executable).parent)) or "locust"
    env = {
        **platform.env,
        "COP_LOAD_TARGETS": str(workdir / "targets.json"),
        "COP_LOAD_RESULTS": str(workdir / "results.json"),
    }
    subprocess.run(  # noqa: S603 - locust from our own virtualenv
        [
            locust,
            *["-f", str(BASE_DIR / "tests" / "ops" / "locustfile.py")],
            "--headless",
            *["--users", str(args.users), "--spawn-rate", str(max(1, args.users // 5))],
            *["--run-time", f"{args.duration}s", "--stop-timeout", "10"],
            *["--host", platform.base_url, "--csv", str(workdir / "locust")],
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        check=False,
        timeout=args.duration + 300,
    )
    results: dict[str, Any] = json.loads((workdir / "results.json").read_text())
    with (workdir / "locust_stats.csv").open() as stats:
        results["rows"] = list(csv.DictReader(stats))
    return results


def _ms(row: dict[str, str], column: str) -> str:
    value = row.get(column, "N/A")
    return f"{float(value):.0f}" if value not in ("N/A", "") else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument(
        "--scale",
        choices=["demo", "large"],
        default="large",
        help="seed_demo scale (large: 2,000 topics, 50,000 posts; a few minutes)",
    )
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)

    with Platform(
        scale=args.scale,
        web_workers=args.web_workers,
        keep_workdir=args.keep,
        extra_env={"COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS": "0"},
    ) as platform:
        platform.prepare()
        platform.start()
        results = _locust(platform, args)
        counts = platform.count_posts(
            results["acknowledged"] + results["unacknowledged"]
        )
        for process in platform.processes.values():
            if not process.running:
                results["server_errors"].append(f"{process.name} exited")
        if args.keep:
            say(f"work folder kept: {platform.workdir}")

    rows = {row["Name"]: row for row in results["rows"]}
    say(
        f"{'page':<18} {'requests':>9} {'fails':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)"
    )
    for name, row in sorted(rows.items(), key=lambda item: item[0] == "Aggregated"):
        say(
            f"{name:<18} {row['Request Count']:>9} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):>7.1f} {_ms(row, '50%'):>6} {_ms(row, '95%'):>6} "
            f"{_ms(row, '99%'):>6}"
        )
    total = rows.get("Aggregated", {})
    acknowledged = results["acknowledged"]
    wrong = [m for m in acknowledged if counts.get(m) != 1]
    stored_unacknowledged = sum(1 for m in results["unacknowledged"] if counts.get(m))
    errors = results["server_errors"]
    for line in errors[:20]:
        say(f"5xx: {line}")
    for marker in wrong[:20]:
        say(f"acknowledged reply {marker} stored {counts.get(marker, 0)} times")
    passed = not errors and not wrong and bool(total) and bool(acknowledged)
    say(
        f"loadtest {'PASS' if passed else 'FAIL'}: {args.users} users, {args.duration} s, "
        f"{float(total.get('Requests/s', 0)):.1f} req/s, p50 {_ms(total, '50%')} ms, "
        f"p95 {_ms(total, '95%')} ms, p99 {_ms(total, '99%')} ms, "
        f"{len(errors)} 5xx, {len(acknowledged) - len(wrong)}/{len(acknowledged)} "
        f"acknowledged replies stored exactly once "
        f"({len(results['unacknowledged'])} not acknowledged, {stored_unacknowledged} of them stored)"
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

"""The Markdown table of ``python -m tests.bench`` (see :mod:`tests.bench.harness`)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.wrk import Measurement

BASE_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Row:
    """One measured page for one role."""

    page: str
    role: str
    measured: Measurement
    goal: float | None = None
    queries: int | None = None
    path: str = ""


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except OSError:
        return "?"


def _load(values: Sequence[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def markdown(
    rows: Sequence[Row],
    *,
    started_at: dt.datetime,
    load_before: Sequence[float],
    load_after: Sequence[float],
    options: Any,
    products: int = 0,
) -> str:
    """Return the results as Markdown: a heading, the conditions and one table."""
    baseline = rows[0].measured.rate if rows else 0.0
    lines = [
        f"# cop benchmark, {started_at:%Y-%m-%d %H:%M} UTC (commit {_commit()})",
        "",
        f"- seed: `seed_demo --scale {options.scale}` ({products} products with a "
        "published disclosure); gunicorn, 2 sync workers, 127.0.0.1; "
        f"{'SQLite' if options.sqlite else 'PostgreSQL'}"
        f"{'' if options.sqlite else ' + Redis'}",
        f"- load: `wrk -t{options.threads} -c{options.connections}`, "
        f"{options.warmup:g} s warm-up, {options.rounds} rounds of "
        f"{options.duration:g} s; medians of the rounds",
        f"- load average (1, 5, 15 min): {_load(load_before)} before, "
        f"{_load(load_after)} after; {os.cpu_count()} CPUs",
        "- ratio: req/s of the page / req/s of the bare Django hello-world "
        "(default middleware, no database, no template) served the same way",
        "- queries: SQL queries of a repeated request in-process (the steady state)",
        "",
        "| page | role | req/s | p50 ms | p99 ms | ratio | goal | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        m = row.measured
        ratio = m.rate / baseline if baseline else 0.0
        goal = ""
        if row.goal is not None:
            goal = f"{row.goal:g} {'met' if ratio >= row.goal else '**below**'}"
        failed = f" ({m.failed} failed)" if m.failed else ""
        lines.append(
            f"| {row.page} | {row.role} | {m.rate:,.0f}{failed} | {m.p50_ms:.1f} "
            f"| {m.p99_ms:.1f} | {ratio:.3f} | {goal} "
            f"| {'' if row.queries is None else row.queries} |"
        )
    paths = [f"- {row.page}: `{row.path}`" for row in rows if row.path]
    return "\n".join([*lines, "", "Paths:", "", *dict.fromkeys(paths), ""])

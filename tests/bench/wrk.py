"""Drive one page with ``wrk`` and summarise the rounds (used by :mod:`tests.bench.harness`).

Each measurement is a warm-up, then ``rounds`` runs of ``wrk -t2 -c16 -d<seconds>``
with :file:`tests/bench/wrk.lua`, which sets the Cookie header (a signed-in member's
session) and prints one parseable line per run. The figures reported are the medians
of the rounds: requests per second, p50 and p99 latency.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
_LINE = re.compile(
    r"BENCH-WRK requests=(?P<requests>\d+) micros=(?P<micros>\d+) "
    r"p50=(?P<p50>\d+) p99=(?P<p99>\d+) status=(?P<status>\d+) socket=(?P<socket>\d+)"
)


class WrkMissingError(RuntimeError):
    """``wrk`` is not installed (``make bench`` installs it with apt-get)."""


@dataclass(frozen=True)
class Round:
    """What one ``wrk`` run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    failed: int  # answers other than 2xx/3xx, and socket errors

    @property
    def rate(self) -> float:
        """Return the requests per second of this run."""
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Measurement:
    """The rounds of one page for one role, and their medians."""

    rounds: list[Round] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return statistics.median(r.rate for r in self.rounds) if self.rounds else 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(r.p50_ms for r in self.rounds) if self.rounds else 0.0

    @property
    def p99_ms(self) -> float:
        return statistics.median(r.p99_ms for r in self.rounds) if self.rounds else 0.0

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.rounds)


def parse(output: str) -> Round:
    """Return the figures of the line :file:`wrk.lua` printed in ``output``."""
    found = _LINE.search(output)
    if found is None:
        raise RuntimeError(f"wrk printed no result line:\n{output[-1000:]}")
    values = {k: int(v) for k, v in found.groupdict().items()}
    return Round(
        requests=values["requests"],
        seconds=values["micros"] / 1e6,
        p50_ms=values["p50"] / 1000,
        p99_ms=values["p99"] / 1000,
        failed=values["status"] + values["socket"],
    )


def command(
    url: str, *, seconds: float, threads: int, connections: int, cookie: str = ""
) -> list[str]:
    """Return the ``wrk`` command line for one run."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkMissingError(
            "wrk is not installed: `make bench` installs it (apt-get install wrk)"
        )
    return [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_SCRIPT),
        url,
        "--",
        cookie,
    ]


def run_once(
    url: str, *, seconds: float, threads: int, connections: int, cookie: str = ""
) -> Round:
    """Run ``wrk`` once against ``url`` and return what it measured."""
    completed = subprocess.run(  # noqa: S603 - a fixed local tool, our own arguments
        command(
            url,
            seconds=seconds,
            threads=threads,
            connections=connections,
            cookie=cookie,
        ),
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 60,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr.strip()[-500:]}")
    return parse(completed.stdout)


def measure(
    url: str,
    *,
    seconds: float,
    warmup: float,
    rounds: int,
    threads: int = 2,
    connections: int = 16,
    cookie: str = "",
) -> Measurement:
    """Warm ``url`` up, then measure it ``rounds`` times."""
    result = Measurement()
    for n in range(rounds + (1 if warmup > 0 else 0)):
        measured = run_once(
            url,
            seconds=warmup if warmup > 0 and n == 0 else seconds,
            threads=threads,
            connections=connections,
            cookie=cookie,
        )
        if n or warmup <= 0:
            result.rounds.append(measured)
    return result

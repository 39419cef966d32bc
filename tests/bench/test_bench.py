"""The benchmark as a pytest run (``make bench``): prints ratios, asserts no timing."""

from __future__ import annotations

import os
import sys

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from tests.bench.harness import Options, Result, report, run


def test_bench_hello_url_is_absent_from_the_site_urls():
    # The baseline view exists only in tests.bench.urls, never in production.
    with pytest.raises(NoReverseMatch):
        reverse("bench_hello")
    assert resolve("/bench/hello/").url_name != "bench_hello"


@pytest.mark.bench
def test_bench_pages_throughput_ratios(capsys):
    options = Options(
        scale=os.environ.get("COP_BENCH_SCALE", "large"),
        duration=float(os.environ.get("COP_BENCH_SECONDS", "5")),
    )

    results = run(options)

    with capsys.disabled():
        for result in results:
            ratio = result.rate / results[0].rate if results[0].rate else 0.0
            sys.stdout.write(f"\n{result.name}: {ratio:.3f} of baseline")
        sys.stdout.write("\n")
    names = [r.name.split(" ")[0] for r in results]
    assert names[:4] == ["baseline", "product", "compare", "api"]
    # The discussion pages are measured once they exist (a 404 is skipped).
    assert set(names[4:]) <= {"latest", "space", "topic"}
    for result in results:
        assert result.requests > 0, result
        assert result.errors == 0, result.statuses


def test_bench_report_prints_goals_of_the_discussion_pages():
    results = [
        Result("baseline", "/bench/hello/", requests=100, seconds=1.0),
        Result("topic (member)", "/t/1/", requests=5, seconds=1.0, goal=0.1),
        Result("topic (anon)", "/t/1/", requests=80, seconds=1.0, goal=0.5),
    ]

    table = report(results).splitlines()

    assert "BELOW GOAL" in table[2]
    assert table[3].endswith("(met)")
    assert "0.050" in table[2]

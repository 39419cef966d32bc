"""The benchmark as a pytest run (``make bench``): prints ratios, asserts no timing."""

from __future__ import annotations

import os
import sys

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from tests.bench.harness import Options, run


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
    assert [r.name.split(" ")[0] for r in results] == [
        "baseline",
        "product",
        "compare",
        "api",
    ]
    for result in results:
        assert result.requests > 0, result
        assert result.errors == 0, result.statuses

"""The reply benchmark (``python -m tests.bench.reply_fanout``) under pytest, marker ``bench``."""

from __future__ import annotations

import os

import pytest

from tests.bench import reply_fanout


@pytest.mark.bench
def test_reply_benchmark_with_10_and_10000_watchers():
    # when: replies in a space with 10, then 10,000 watchers (prints the times)
    args = ["--watchers", "10,10000"]
    if os.environ.get("COP_BENCH_DATABASE_URL"):
        args += ["--database-url", os.environ["COP_BENCH_DATABASE_URL"]]
    few, many = reply_fanout.main(args)
    # then: the request does the same work whatever the number of watchers
    assert few["queries_per_reply"] == many["queries_per_reply"]
    # and the worker tells every watcher and the topic's opener, once each
    assert few["notifications"] == 10 + 1
    assert many["notifications"] == 10_000 + 1
    assert many["fan_out_batches"] > few["fan_out_batches"]

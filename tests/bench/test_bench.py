"""The page benchmark (``make bench``): its parts, and a full run under ``pytest tests/bench``.

No test asserts a time: the full run asserts that every page answered, and prints.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from tests.bench import bare_settings, wrk
from tests.bench.harness import Options, pages, run
from tests.bench.report import Row, markdown


def test_bench_hello_url_is_absent_from_the_site_urls():
    # The cop hello-world exists only in tests.bench.urls, never in production.
    with pytest.raises(NoReverseMatch):
        reverse("bench_hello")
    assert resolve("/bench/hello/").url_name != "bench_hello"


def test_bare_baseline_is_django_default_project_without_database():
    # Django's startproject middleware, in its order; nothing of cop
    assert bare_settings.MIDDLEWARE == [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    assert bare_settings.DATABASES == {}
    assert bare_settings.TEMPLATES == []
    assert not any(app.startswith("cop") for app in bare_settings.INSTALLED_APPS)


def test_wrk_result_line_is_parsed_into_rate_and_latencies():
    line = "BENCH-WRK requests=1200 micros=2000000 p50=5250 p99=31000 status=3 socket=1"

    measured = wrk.parse(f"Running 2s test\n{line}\n")

    assert measured.rate == 600
    assert (measured.p50_ms, measured.p99_ms) == (5.25, 31.0)
    assert measured.failed == 4


def test_wrk_output_without_result_line_is_an_error():
    with pytest.raises(RuntimeError, match="no result line"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused")


def test_wrk_command_sends_the_member_cookie_through_the_lua_script():
    if wrk.shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")

    command = wrk.command(
        "http://127.0.0.1:1/", seconds=5, threads=2, connections=16, cookie="s=abc"
    )

    assert command[1:4] == ["-t2", "-c16", "-d5s"]
    assert command[command.index("-s") + 1] == str(wrk.LUA_SCRIPT)
    assert command[-2:] == ["--", "s=abc"]
    assert 'wrk.headers["Cookie"]' in wrk.LUA_SCRIPT.read_text()


def _measured(*rates: float) -> wrk.Measurement:
    return wrk.Measurement(
        rounds=[wrk.Round(int(r * 5), 5.0, 2.0 + r / 1000, 9.0, 0) for r in rates]
    )


def test_report_table_gives_medians_ratios_goals_and_queries():
    rows = [
        Row("bare Django hello-world", "-", _measured(1000, 1200, 1100)),
        Row("topic", "signed in", _measured(50, 90, 70), goal=0.1, queries=7),
        Row("topic", "anonymous", _measured(600, 700, 500), goal=0.5, queries=0),
    ]

    table = markdown(
        rows,
        started_at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        load_before=(1.0, 0.5, 0.25),
        load_after=(2.0, 1.0, 0.5),
        options=Options(),
    )

    lines = table.splitlines()
    assert (
        "load average (1, 5, 15 min): 1.00 0.50 0.25 before, 2.00 1.00 0.50 after"
        in table
    )
    assert "| bare Django hello-world | - | 1,100 | 3.1 | 9.0 | 1.000 |  |  |" in lines
    assert "| topic | signed in | 70 | 2.1 | 9.0 | 0.064 | 0.1 **below** | 7 |" in lines
    assert "| topic | anonymous | 600 | 2.6 | 9.0 | 0.545 | 0.5 met | 0 |" in lines


def test_pages_cover_every_page_of_the_targets():
    found = {
        "index": "/discussions/",
        "space": "/discussions/s/a/",
        "topic": "/discussions/t/1/a/?page=5",
        "posts": 200,
        "product": "/vendors/v/p/",
        "compare": "/vendors/compare/?p=v%2Fp",
        "compared": 6,
        "guide": "/guides/g/",
    }

    listed = {page.name: page.goals for page in pages(found)}

    assert listed == {
        "home": {"anon": 0.5, "member": 0.1},
        "guide": {"anon": 0.5, "member": 0.1},
        "discussions index": {"anon": 0.5, "member": 0.1},
        "space": {"anon": 0.5, "member": 0.1},
        "topic (200 posts)": {"anon": 0.5, "member": 0.1},
        "product": {"anon": 0.3, "member": 0.1},
        "compare (6)": {"anon": 0.3, "member": 0.1},
        "guides": {"anon": 0.5},
        "library priorities": {"anon": 0.2},
    }


@pytest.mark.bench
def test_bench_pages_against_the_bare_baseline(tmp_path: Path):
    options = Options(
        scale=os.environ.get("COP_BENCH_SCALE", "large"),
        duration=float(os.environ.get("COP_BENCH_SECONDS", "5")),
        output=tmp_path / "results.md",
    )

    rows = run(options)

    assert rows[0].page == "bare Django hello-world"
    measured = {(row.page.split(" (")[0], row.role) for row in rows}
    for page in ("home", "discussions index", "space", "topic", "product", "compare"):
        assert (page, "anonymous") in measured
    for page in ("home", "guide", "discussions index", "space", "topic", "product"):
        assert (page, "signed in") in measured
    assert ("compare", "signed in") in measured
    for row in rows:
        assert row.measured.rate > 0, row
        assert row.measured.failed == 0, row
    assert "| page | role | req/s | p50 ms | p99 ms |" in options.output.read_text()

"""Throughput of cop's pages as ratios to a bare Django hello-world, measured with ``wrk``.

``python -m tests.bench`` (see :mod:`tests.bench.__main__`):

1. creates a throw-away PostgreSQL database (on the cluster of
   ``COP_BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``)
   and starts a throw-away ``redis-server`` on a free port, unless ``--database-url``
   / ``--redis-url`` name existing ones; migrates and seeds it (``seed_demo --scale
   large``: 2,000 topics, 50,000 posts, a 200-post topic, published disclosures);
2. serves the **bare baseline** (:mod:`tests.bench.bare_settings`: Django's default
   middleware, one view, no database, no templates) with gunicorn and cop's own
   gunicorn configuration (2 sync workers, 127.0.0.1, no periodic worker restart),
   measures it, stops it;
3. serves cop the same way (:mod:`tests.bench.settings`: production-like, DEBUG off)
   and measures each page for an anonymous reader and for a signed-in library
   worker (the session and CSRF cookies a signed-in browser sends, made before the
   load): the home page, a guide, the discussions index, the space holding the
   200-post topic, that topic's middle page, a product page, the comparison of 6
   products, the guides index and the libraries' priorities; plus
   ``/bench/hello/`` (cop's whole middleware around an empty view) for reference;
4. counts the SQL queries of each page and role in-process (the second request:
   the steady state the load sees), and
5. writes a Markdown table (req/s, p50, p99, ratio to the bare baseline, goal, SQL
   queries) with the load average to ``var/bench/results.md`` (and a dated copy)
   and prints it.

Each page is measured with ``wrk -t2 -c16`` (:mod:`tests.bench.wrk`): a warm-up,
then 3 rounds; the figures are the medians. Nothing is asserted about a time; only
processes and databases this run started are stopped or dropped.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.bench import scripts
from tests.bench.report import Row, markdown
from tests.bench.wrk import Measurement, measure

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SETTINGS = "tests.bench.settings"
ADMIN_URL = os.environ.get(
    "COP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DEFAULT_OUTPUT = BASE_DIR / "var" / "bench" / "results.md"


@dataclass
class Options:
    """How one benchmark run is set up."""

    scale: str = "large"
    duration: float = 5.0  # seconds of each measured round
    warmup: float = 2.0
    rounds: int = 3
    threads: int = 2  # wrk -t
    connections: int = 16  # wrk -c
    database_url: str = ""  # empty: a throw-away database on ADMIN_URL's cluster
    redis_url: str = ""  # empty: a throw-away redis-server
    sqlite: bool = False  # a SQLite file instead of PostgreSQL (quick checks only)
    seed: bool = True  # False: the database named by database_url is seeded already
    keep: bool = False  # keep the temporary folder (logs) and the database
    output: Path = DEFAULT_OUTPUT
    pages: tuple[str, ...] = ()  # only these page names (empty: all)


@dataclass
class Page:
    """One page to measure."""

    name: str
    path: str
    goals: dict[str, float] = field(default_factory=dict)  # role -> ratio to reach


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _psql(admin_url: str, sql: str) -> None:
    parts = urlsplit(admin_url)
    subprocess.run(  # noqa: S603 - a fixed local tool
        [
            shutil.which("psql") or "psql",
            *["-h", parts.hostname or HOST, "-p", str(parts.port or 5432)],
            *["-U", parts.username or "postgres", "-d", parts.path.strip("/")],
            *["-v", "ON_ERROR_STOP=1", "-qc", sql],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@contextlib.contextmanager
def database(options: Options, workdir: Path) -> Iterator[str]:
    """Yield the URL of the benchmark database; drop it afterwards if made here."""
    if options.database_url:
        yield options.database_url
        return
    if options.sqlite:
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    name = f"cop_bench_{os.getpid()}_{secrets.token_hex(3)}"
    try:
        _psql(ADMIN_URL, f'CREATE DATABASE "{name}"')
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            f"could not create a PostgreSQL database on {ADMIN_URL} "
            "(set COP_BENCH_POSTGRES_URL, or pass --database-url)"
        ) from exc
    try:
        yield urlunsplit(urlsplit(ADMIN_URL)._replace(path=f"/{name}"))
    finally:
        if options.keep:
            sys.stdout.write(f"kept database {name}\n")
        else:
            with contextlib.suppress(subprocess.CalledProcessError):
                _psql(ADMIN_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def redis(options: Options) -> Iterator[str]:
    """Yield a Redis URL: ``options.redis_url`` or a throw-away ``redis-server``."""
    if options.redis_url or options.sqlite:
        yield options.redis_url
        return
    if shutil.which("redis-server") is None:
        raise RuntimeError(
            "redis-server is not installed (apt-get install redis-server)"
        )
    from tests.integration_support import RedisServer

    server = RedisServer(free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def environment(
    workdir: Path, *, database_url: str, redis_url: str, settings: str = SETTINGS
) -> dict[str, str]:
    """Return the environment of the benchmark's processes."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COP_", "DATABASE_", "CELERY_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_DEBUG="0",
        COP_VAR_DIR=str(workdir),
        DATABASE_URL=database_url,
        PYTHONPATH=str(BASE_DIR),
        GUNICORN_WORKERS="2",
        COP_BIND_HOST=HOST,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict[str, str], *args: str, log: Any) -> str:
    """Run ``manage.py ARGS``; return its standard output (errors go to ``log``)."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    log.write(completed.stdout[-20000:] + completed.stderr[-20000:])
    if completed.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0]} failed: {completed.stderr.strip()[-1500:]}"
        )
    return completed.stdout


def shell_json(env: dict[str, str], script: str, log: Any) -> Any:
    """Run ``script`` in ``manage.py shell``; return the JSON it printed last."""
    out = manage(env, "shell", "--no-imports", "-c", script, log=log)
    lines = [line for line in out.splitlines() if line.startswith("BENCH-JSON ")]
    if not lines:
        raise RuntimeError(f"manage.py shell printed no result: {out[-500:]}")
    return json.loads(lines[-1].removeprefix("BENCH-JSON "))


def prepare_database(env: dict[str, str], scale: str, log: Any) -> None:
    """Migrate and seed the benchmark database, then write its pages to disk."""
    manage(env, "migrate", "--noinput", "-v0", log=log)
    manage(env, "load_privacy_framework", log=log)
    manage(env, "seed_demo", "--scale", scale, log=log)
    # Measure a settled database: the seed's dirty pages are written now, not by a
    # checkpoint that would otherwise fall in the middle of the measurements.
    manage(env, "shell", "--no-imports", "-c", scripts.CHECKPOINT, log=log)


def _http_status(port: int, path: str, cookie: str = "") -> int:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log: Any, app: str = "") -> Iterator[int]:
    """Run gunicorn with cop's configuration until the block ends; yield its port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(BASE_DIR / "cop" / "gunicorn.conf.py"),
        # No worker restarts every ~2,000 requests: they would cost the fast bare
        # baseline more restarts than the pages, and so flatter the ratios.
        "--max-requests",
        "0",
        *([app] if app else []),
    ]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        command,
        cwd=BASE_DIR,
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,  # the access log: one line per request
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        probe = "/hello/" if app else "/healthz"
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with status {process.returncode}")
            with contextlib.suppress(OSError):
                if _http_status(port, probe) == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer {probe} within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        if process.poll() is None:  # only the process group this run started
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def pages(found: dict[str, Any]) -> list[Page]:
    """Return the measured pages, from what :data:`scripts.DISCOVER` found."""
    discussion = {"anon": 0.5, "member": 0.1}
    vendor = {"anon": 0.3, "member": 0.1}
    listed = [
        Page("home", "/", {"anon": 0.5, "member": 0.1}),
        Page("guide", found.get("guide", ""), {"anon": 0.5, "member": 0.1}),
        Page("discussions index", found["index"], discussion),
        Page("space", found["space"], discussion),
        Page(f"topic ({found['posts']} posts)", found["topic"], discussion),
        Page("product", found["product"], vendor),
        Page(f"compare ({found['compared']})", found["compare"], vendor),
        Page("guides", "/guides/", {"anon": 0.5}),
        Page("library priorities", "/priorities/", {"anon": 0.2}),
    ]
    return [page for page in listed if page.path]


def _wrk(port: int, path: str, options: Options, cookie: str = "") -> Measurement:
    return measure(
        f"http://{HOST}:{port}{path}",
        seconds=options.duration,
        warmup=options.warmup,
        rounds=options.rounds,
        threads=options.threads,
        connections=options.connections,
        cookie=cookie,
    )


def run(options: Options, out: Any = sys.stdout) -> list[Row]:
    """Prepare, serve, measure, write and print the table; return its rows."""
    workdir = Path(tempfile.mkdtemp(prefix="cop-bench-"))
    load_before = os.getloadavg()
    started_at = dt.datetime.now(dt.UTC)
    try:
        with (
            (workdir / "bench.log").open("w") as log,
            redis(options) as redis_url,
            database(options, workdir) as database_url,
        ):
            env = environment(workdir, database_url=database_url, redis_url=redis_url)
            if options.seed:
                print(f"seeding ({options.scale} scale); log: {workdir}", file=out)
                began = time.monotonic()
                prepare_database(env, options.scale, log)
                print(f"seeded in {time.monotonic() - began:.0f} s", file=out)
            found = shell_json(env, scripts.DISCOVER, log)
            measured = [
                p for p in pages(found) if not options.pages or p.name in options.pages
            ]
            cookie = "; ".join(
                part
                for part in (
                    f"{found['cookie_name']}={found['session']}",
                    found.get("csrf_cookie", ""),
                )
                if part
            )
            rows: list[Row] = []
            bare_env = environment(
                workdir,
                database_url="",
                redis_url="",
                settings="tests.bench.bare_settings",
            )
            with gunicorn(
                bare_env, log, app="tests.bench.bare_wsgi:application"
            ) as port:
                print("measuring the bare baseline", file=out)
                rows.append(
                    Row("bare Django hello-world", "-", _wrk(port, "/hello/", options))
                )
            queries = shell_json(
                env,
                scripts.COUNT_QUERIES
                % {"paths": json.dumps([p.path for p in measured])},
                log,
            )
            with gunicorn(env, log) as port:
                rows.append(
                    Row(
                        "cop hello-world (all middleware)",
                        "anonymous",
                        _wrk(port, "/bench/hello/", options),
                    )
                )
                for page in measured:
                    for role, sent in (("anon", ""), ("member", cookie)):
                        status = _http_status(port, page.path, sent)
                        if status != 200:
                            print(
                                f"skipped {page.name} ({role}): {page.path} answered {status}",
                                file=out,
                            )
                            continue
                        print(f"measuring {page.name} ({role})", file=out)
                        rows.append(
                            Row(
                                page.name,
                                "anonymous" if role == "anon" else "signed in",
                                _wrk(port, page.path, options, sent),
                                goal=page.goals.get(role),
                                queries=queries[page.path][role],
                                path=page.path,
                            )
                        )
        table = markdown(
            rows,
            started_at=started_at,
            load_before=load_before,
            load_after=os.getloadavg(),
            options=options,
            products=found.get("published_products", 0),
        )
        options.output.parent.mkdir(parents=True, exist_ok=True)
        options.output.write_text(table)
        dated = options.output.with_name(
            f"{options.output.stem}-{started_at:%Y%m%d-%H%M%S}{options.output.suffix}"
        )
        dated.write_text(table)
        print(table, file=out)
        print(f"written to {options.output} and {dated}", file=out)
        return rows
    finally:
        if options.keep:
            print(f"kept {workdir}", file=out)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

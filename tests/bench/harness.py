"""Throughput benchmark of the public vendor pages, as ratios to a bare baseline.

``python -m tests.bench`` (see :mod:`tests.bench.__main__`) prepares a database in a
temporary folder (migrate, ``load_privacy_framework``, ``seed_demo``), starts gunicorn
with 2 sync workers on 127.0.0.1 and a free port, with DEBUG off, and measures
requests per second for:

- ``baseline``: ``/bench/hello/``, a view that returns "hello world" through the full
  middleware stack (served only by :mod:`tests.bench.urls`);
- ``product``: a product page with a published disclosure;
- ``compare``: the comparison of 6 products (the maximum);
- ``api``: the API's product list (first page);
- ``space (anon)`` / ``space (member)``: the discussion space holding the longest
  public topic, for an anonymous reader and for a signed-in library worker;
- ``topic (anon)`` / ``topic (member)``: the middle page of that topic (at the large
  scale, ``bench-topic-0001`` with exactly 200 posts).

The signed-in member is the demo library worker: before the load the harness makes
one session per client thread through Django's session engine (``manage.py shell``)
and each thread sends its own session cookie. A discussion target whose page
answers 404 (not built yet) or anything but 200 is skipped with a line saying so.
The targets of the issue are printed next to the ratios (anonymous >= 0.5, signed-in
member >= 0.1) and reported, never asserted.

Each page's throughput is printed as a ratio to the baseline of the same run, which
cancels out the speed of the machine. The load loop is bounded in time and count,
talks only to 127.0.0.1 and never asserts a time: results are printed, not judged.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
SETTINGS = "tests.bench.settings"
COMPARE_SIZE = 6
#: Ratio to the baseline each discussion page should reach (reported, not asserted).
DISCUSSION_GOALS = {"anon": 0.5, "member": 0.1}
DEMO_MEMBER_EMAIL = "library@example.org"


@dataclass
class Options:
    """How one benchmark run is set up."""

    scale: str = "large"
    duration: float = 5.0  # seconds of load per target, after the warm-up
    warmup: float = 1.0
    threads: int = 4  # client threads: 2 per gunicorn worker keeps both busy
    max_requests: int = 20_000  # per target: the loop stops at whichever comes first
    database_url: str = ""  # empty: a fresh SQLite file in the temporary folder
    keep: bool = False  # keep the temporary folder (database, server log)


@dataclass
class Result:
    """What the load loop measured for one target."""

    name: str
    path: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    goal: float | None = None  # the ratio to the baseline it should reach

    @property
    def rate(self) -> float:
        """Return successful requests per second."""
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _environment(workdir: Path, options: Options, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "COP_", "DATABASE_", "CELERY_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
        DJANGO_DEBUG="0",
        COP_VAR_DIR=str(workdir),
        DATABASE_URL=options.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
        PYTHONPATH=str(BASE_DIR),
        PORT=str(port),
        GUNICORN_WORKERS="2",
        COP_BIND_HOST=HOST,
    )
    return env


def _manage(env: dict[str, str], *args: str, log: Any) -> None:
    command = [sys.executable, str(BASE_DIR / "manage.py"), *args]
    subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        command, cwd=BASE_DIR, env=env, check=True, stdout=log, stderr=log
    )


def prepare_database(env: dict[str, str], scale: str, log: Any) -> None:
    """Migrate and seed the benchmark database (reference data, then demo data)."""
    _manage(env, "migrate", "--noinput", log=log)
    _manage(env, "load_privacy_framework", log=log)
    _manage(env, "seed_demo", "--scale", scale, log=log)
    # Measure a settled database: the seed's dirty pages are written now, not by a
    # checkpoint that would otherwise fall in the middle of the last targets.
    _manage(env, "shell", "-c", _CHECKPOINT_SCRIPT, log=log)


# Run by ``manage.py shell`` after seeding (PostgreSQL; needs a role that may
# CHECKPOINT, else it says so in the log and the run goes on).
_CHECKPOINT_SCRIPT = """
from django.db import connection, DatabaseError
if connection.vendor == "postgresql":
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError as exc:
        print("no CHECKPOINT before measuring:", exc)
"""


def get(
    port: int, path: str, timeout: float = 10.0, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    """GET ``path`` from the benchmark server; return the status and body."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def server(env: dict[str, str], log: Any) -> Iterator[int]:
    """Run gunicorn (2 sync workers) until the block ends; yield its port."""
    port = int(env["PORT"])
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(BASE_DIR / "cop" / "gunicorn.conf.py"),
    ]
    process = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
        command,
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped with status {process.returncode}")
            try:
                if get(port, "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        # Only the process group this harness started.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def discover_targets(port: int) -> list[tuple[str, str]]:
    """Return (name, path) of the measured pages, found through the public API."""
    status, body = get(port, "/api/v1/products/?page_size=100")
    if status != 200:
        raise RuntimeError(f"/api/v1/products/ answered {status}")
    products = json.loads(body)["results"]
    # Products with a published disclosure first; the rest fill up to 6 columns.
    disclosed = [p for p in products if p.get("published_at")]
    others = [p for p in products if not p.get("published_at")]
    chosen = (disclosed + others)[:COMPARE_SIZE]
    if not chosen:
        raise RuntimeError("the seeded database has no products")
    query = "&".join(f"p={quote(p['key'], safe='')}" for p in chosen)
    return [
        ("baseline", "/bench/hello/"),
        ("product", (disclosed or chosen)[0]["page_url"]),
        (f"compare ({len(chosen)})", f"/vendors/compare/?{query}"),
        ("api products", "/api/v1/products/"),
    ]


def load(
    port: int,
    name: str,
    path: str,
    *,
    seconds: float,
    threads: int,
    limit: int,
    headers: Sequence[dict[str, str]] = (),
) -> Result:
    """Request ``path`` from ``threads`` threads for ``seconds`` or ``limit`` requests.

    Thread ``n`` sends ``headers[n % len(headers)]`` (e.g. its own session cookie).
    """
    result = Result(name=name, path=path)
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(n: int) -> None:
        sent = dict(headers[n % len(headers)]) if headers else {}
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop_at:
            with lock:
                if result.requests >= limit:
                    return
                result.requests += 1
            try:
                conn.request("GET", path, headers=sent)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()  # gunicorn's sync workers close after each response
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            with lock:
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status != 200:
                    result.errors += 1
        conn.close()

    started = time.monotonic()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Target:
    """One page to measure: its name, path, per-thread headers and goal ratio."""

    name: str
    path: str
    headers: Sequence[dict[str, str]] = ()
    goal: float | None = None


# Run by ``manage.py shell`` on the benchmark database; prints one JSON line.
_DISCUSSION_SCRIPT = """
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from discussions.models import Topic
out = {"cookie": settings.SESSION_COOKIE_NAME, "sessions": []}
topic = (
    Topic.objects.filter(
        space__visibility="public", review_state="approved", hidden_at__isnull=True,
        embargo_state__in=["none", "released"],
    ).order_by("-post_count", "pk").first()
)
if topic is not None:
    middle = topic.posts.filter(
        number__gte=max(1, topic.last_post_number // 2)
    ).order_by("number").first()
    try:
        from discussions.selectors import post_url
        out["topic"] = post_url(post=middle).split("#")[0]
    except Exception:
        out["topic"] = topic.get_absolute_url()
    out["space"] = topic.space.get_absolute_url()
    out["posts"] = topic.post_count
user = get_user_model().objects.filter(email=%(email)r).first()
if user is not None:
    engine = import_module(settings.SESSION_ENGINE)
    for _ in range(%(threads)d):
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out["sessions"].append(session.session_key)
print("BENCH-JSON " + json.dumps(out))
"""


def discover_discussion_targets(
    env: dict[str, str], options: Options, out: Any
) -> list[Target]:
    """Return the discussion targets: Latest, a space and a topic page, anonymous and member."""
    script = _DISCUSSION_SCRIPT % {
        "email": DEMO_MEMBER_EMAIL,
        "threads": options.threads,
    }
    completed = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    lines = [
        line for line in completed.stdout.splitlines() if line.startswith("BENCH-JSON ")
    ]
    if not lines:
        print(
            "skipped the discussion pages: could not read the topic and sessions "
            f"(manage.py shell exited {completed.returncode}: "
            f"{completed.stderr.strip()[-300:]})",
            file=out,
        )
        return []
    found = json.loads(lines[-1].removeprefix("BENCH-JSON "))
    if "topic" not in found:
        print("skipped the discussion pages: no public topic was seeded", file=out)
        return []
    member = [{"Cookie": f"{found['cookie']}={key}"} for key in found["sessions"]]
    targets = []
    paths = {
        "latest": "/discussions/",
        "space": found["space"],
        "topic": found["topic"],
    }
    for page, page_path in paths.items():
        targets.append(
            Target(f"{page} (anon)", page_path, goal=DISCUSSION_GOALS["anon"])
        )
        if member:
            targets.append(
                Target(
                    f"{page} (member)",
                    page_path,
                    headers=member,
                    goal=DISCUSSION_GOALS["member"],
                )
            )
    print(
        f"discussion topic: {found['posts']} posts; measuring {found['topic']}",
        file=out,
    )
    return targets


def usable(port: int, target: Target, out: Any) -> bool:
    """Return whether ``target`` answers 200; print why it is skipped if not."""
    headers = target.headers[0] if target.headers else None
    try:
        status, _ = get(port, target.path, headers=headers)
    except OSError as exc:
        print(f"skipped {target.name}: {target.path} failed ({exc})", file=out)
        return False
    if status == 404:
        print(
            f"skipped {target.name}: {target.path} answered 404 (page not built yet?)",
            file=out,
        )
        return False
    if status != 200:
        print(f"skipped {target.name}: {target.path} answered {status}", file=out)
        return False
    return True


def measure(
    port: int,
    targets: Sequence[tuple[str, str] | Target],
    options: Options,
    out: Any = sys.stdout,
) -> list[Result]:
    """Warm each target up, then load it; return one result per target measured."""
    results = []
    for item in targets:
        target = item if isinstance(item, Target) else Target(*item)
        if target.goal is not None and not usable(port, target, out):
            continue
        load(
            port,
            target.name,
            target.path,
            seconds=options.warmup,
            threads=options.threads,
            limit=500,
            headers=target.headers,
        )
        result = load(
            port,
            target.name,
            target.path,
            seconds=options.duration,
            threads=options.threads,
            limit=options.max_requests,
            headers=target.headers,
        )
        result.goal = target.goal
        results.append(result)
    return results


def report(results: Sequence[Result]) -> str:
    """Return the results as a table with each target's ratio to the baseline."""
    baseline = results[0].rate or 1.0
    lines = [
        f"{'target':<16} {'requests':>8} {'errors':>6} {'req/s':>9} {'ratio':>7} "
        f"{'goal':>6}  path",
    ]
    for r in results:
        ratio = r.rate / baseline
        goal = f"{r.goal:>6.2f}" if r.goal is not None else f"{'':>6}"
        verdict = ""
        if r.goal is not None:
            verdict = "  (met)" if ratio >= r.goal else "  (BELOW GOAL)"
        lines.append(
            f"{r.name:<16} {r.requests:>8} {r.errors:>6} {r.rate:>9.1f} "
            f"{ratio:>7.3f} {goal}  {r.path[:70]}{verdict}"
        )
    return "\n".join(lines)


def run(options: Options, out: Any = sys.stdout) -> list[Result]:
    """Prepare, serve, measure and print; return the results."""
    workdir = Path(tempfile.mkdtemp(prefix="cop-bench-"))
    try:
        env = _environment(workdir, options, free_port())
        with (workdir / "bench.log").open("w") as log:
            print(
                f"preparing the database ({options.scale} scale) in {workdir}", file=out
            )
            started = time.monotonic()
            prepare_database(env, options.scale, log)
            print(
                f"prepared in {time.monotonic() - started:.0f} s; starting gunicorn",
                file=out,
            )
            discussion_targets = discover_discussion_targets(env, options, out)
            with server(env, log) as port:
                targets: list[tuple[str, str] | Target] = [
                    *discover_targets(port),
                    *discussion_targets,
                ]
                results = measure(port, targets, options, out)
        print(report(results), file=out)
        print(
            f"(gunicorn 2 sync workers, {options.threads} client threads, "
            f"{options.duration:.0f} s per target; ratio = req/s of the page / req/s "
            "of the baseline in this run)",
            file=out,
        )
        return results
    finally:
        if options.keep:
            print(f"kept {workdir}", file=out)
        else:
            shutil.rmtree(workdir, ignore_errors=True)

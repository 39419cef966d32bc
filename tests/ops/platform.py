"""The platform's processes started separately on 127.0.0.1, for the load and fault tests.

:class:`Platform` creates a throw-away PostgreSQL database (on the cluster named by
``COP_OPS_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/postgres``, or a
cluster of its own, see :mod:`tests.ops.postgres`), starts a throw-away
``redis-server`` and an SMTP sink on free ports, prepares the data (migrate, the
privacy reference data, ``seed_demo``), then starts gunicorn, a Celery worker and
Celery beat as ``make run`` does, each in its own process group with its own log
file. Everything it started is stopped by :meth:`Platform.close`, and only that.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tests.integration_support import RedisServer, free_port, wait_until
from tests.ops.smtp import SmtpSink

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
ADMIN_URL = os.environ.get(
    "COP_OPS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)


def say(message: str) -> None:
    """Print one progress line at once."""
    print(message, flush=True)  # noqa: T201 - a command-line tool


@dataclass
class Process:
    """One started process of the platform."""

    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self, env: dict[str, str]) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - our own interpreter
                self.argv,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.popen.pid, signum)

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to the process group, SIGKILL after ``timeout``; waits for it."""
        if self.popen is None:
            return
        self.signal_group(signal.SIGCONT)
        self.signal_group(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.popen.wait(timeout=10)
        self.signal_group(signal.SIGKILL)  # pool children that outlived the parent
        self.popen = None


def _database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(admin_url: str, sql: str) -> None:
    parts = urlsplit(admin_url)
    subprocess.run(  # noqa: S603 - fixed local tool
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


@dataclass
class Platform:
    """gunicorn, a Celery worker and beat on a throw-away database and Redis (see module)."""

    scale: str = "demo"
    web_workers: int = 2
    worker_concurrency: int = 2
    admin_url: str = ADMIN_URL
    extra_env: dict[str, str] = field(default_factory=dict)
    workdir: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="cop-ops-"))
    )
    keep_workdir: bool = False
    #: Port of a proxy (tests.ops.proxy) the processes reach the database through.
    database_port: int | None = None

    def __post_init__(self) -> None:
        self.port = free_port()
        self.db_name = f"cop_ops_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_url = _database_url(self.admin_url, self.db_name)
        self.redis = RedisServer(free_port())
        self.smtp = SmtpSink()
        self.processes: dict[str, Process] = {}
        self._database_created = False
        self.base_url = f"http://{HOST}:{self.port}"

    # ------------------------------------------------------------ environment
    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "PYTEST", "COP_"))
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cop.settings.dev",
                "COP_VAR_DIR": str(self.workdir / "var"),
                "DATABASE_URL": self._process_database_url(),
                "REDIS_URL": self.redis.url,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": HOST,
                "EMAIL_PORT": str(self.smtp.port),
                "PORT": str(self.port),
                "COP_BIND_HOST": HOST,
                "GUNICORN_WORKERS": str(self.web_workers),
                "GUNICORN_PRELOAD": "1",
                "COP_HEARTBEAT_SECONDS": "5",
                "PYTHONUNBUFFERED": "1",
                **self.extra_env,
            }
        )
        return env

    def _process_database_url(self) -> str:
        if self.database_port is None:
            return self.database_url
        parts = urlsplit(self.database_url)
        user = f"{parts.username}@" if parts.username else ""
        return urlunsplit(parts._replace(netloc=f"{user}{HOST}:{self.database_port}"))

    def manage(self, *args: str, timeout: float = 1800) -> str:
        """Run ``manage.py ARGS`` against the platform's database; return its stdout."""
        result = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
            )
        return result.stdout

    def shell(self, code: str) -> Any:
        """Run Python ``code`` in ``manage.py shell``; it prints one JSON document."""
        out = self.manage("shell", "--no-imports", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    # ------------------------------------------------------------ lifecycle
    def prepare(self) -> None:
        """Start Redis and the SMTP sink, create and fill the database."""
        (self.workdir / "log").mkdir(parents=True, exist_ok=True)
        (self.workdir / "var").mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.smtp.start()
        _psql(self.admin_url, f'CREATE DATABASE "{self.db_name}"')
        self._database_created = True
        started = time.monotonic()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("load_privacy_framework")
        self.manage("seed_demo", "--scale", self.scale)
        say(
            f"prepared database {self.db_name} (seed_demo --scale {self.scale}) "
            f"in {time.monotonic() - started:.0f} s"
        )

    def process_specs(self) -> dict[str, list[str]]:
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "cop", "--quiet"]
        return {
            "web": [python, "-m", "gunicorn", "-c", "cop/gunicorn.conf.py"],
            "worker": [
                *celery,
                *["worker", "--loglevel", "INFO", "--hostname", f"ops-{self.port}@%h"],
                *["--concurrency", str(self.worker_concurrency)],
            ],
            "beat": [
                *celery,
                *["beat", "--loglevel", "INFO"],
                *["--schedule", str(self.workdir / "var" / "celerybeat-schedule")],
            ],
        }

    def start(self, *names: str) -> None:
        """Start the named processes (default: web, worker and beat)."""
        specs = self.process_specs()
        for name in names or tuple(specs):
            process = self.processes.get(name) or Process(
                name, specs[name], self.workdir / "log" / f"{name}.log"
            )
            self.processes[name] = process
            if not process.running:
                process.start(self.env)
        if "web" in (names or specs) and not wait_until(
            lambda: self.status("/healthz") == 200, 120, step=0.5
        ):
            raise RuntimeError(
                f"gunicorn did not start; see {self.workdir}/log/web.log"
            )

    def stop(self, name: str) -> None:
        if name in self.processes:
            self.processes[name].stop()

    def close(self) -> None:
        """Stop everything this platform started; drop its database."""
        for process in self.processes.values():
            process.stop()
        self.smtp.stop()
        with contextlib.suppress(Exception):
            if self.redis.process is not None:
                os.kill(self.redis.process.pid, signal.SIGCONT)
            self.redis.stop()
        if self._database_created:
            with contextlib.suppress(subprocess.CalledProcessError):
                _psql(
                    self.admin_url,
                    f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)',
                )
        if not self.keep_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ requests
    def request(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, dict[str, str], bytes, float]:
        """Send one request; return status, headers, body and seconds taken.

        A connection error or a timeout is status 0.
        """
        started = time.monotonic()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                data,
                time.monotonic() - started,
            )
        except OSError:
            return 0, {}, b"", time.monotonic() - started
        finally:
            connection.close()

    def status(self, path: str) -> int:
        return self.request("GET", path, timeout=5)[0]

    # ------------------------------------------------------------ data
    def member_sessions(self, emails: list[str], per_member: int = 1) -> list[str]:
        """Return session keys of ``emails`` (``per_member`` each), made in the database."""
        code = (
            "import json\n"
            "from django.conf import settings\n"
            "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model\n"
            "from importlib import import_module\n"
            "engine = import_module(settings.SESSION_ENGINE)\n"
            f"emails, per = {emails!r}, {per_member}\n"
            "keys = []\n"
            "for user in get_user_model().objects.filter(email__in=emails, is_active=True):\n"
            "    for _ in range(per):\n"
            "        s = engine.SessionStore()\n"
            "        s[SESSION_KEY] = str(user.pk)\n"
            "        s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]\n"
            "        s[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
            "        s.create()\n"
            "        keys.append(s.session_key)\n"
            "print(json.dumps(keys))\n"
        )
        keys: list[str] = self.shell(code)
        return keys

    def targets(self) -> dict[str, Any]:
        """Public pages to read and topics members may reply to, from the seeded data."""
        code = (
            "import json\n"
            "from django.contrib.auth import get_user_model\n"
            "from discussions.models import Space, Topic\n"
            "from vendors.models import Product\n"
            "topics = list(Topic.objects.filter(space__visibility='public', locked_at__isnull=True)"
            ".order_by('-last_activity_at').values_list('pk', 'slug')[:40])\n"
            "spaces = list(Space.objects.filter(visibility='public').values_list('slug', flat=True)[:10])\n"
            "products = [f'/vendors/{o}/{p}/' for o, p in Product.objects.values_list('organisation__slug', 'slug')[:20]]\n"
            "workers = list(get_user_model().objects.filter(is_active=True, memberships__role='member', memberships__organisation__kind='library', "
            "memberships__status='verified').order_by('pk').values_list('email', flat=True)[:50])\n"
            "print(json.dumps({'topics': topics, 'spaces': spaces, 'products': products, 'workers': workers}))\n"
        )
        found: dict[str, Any] = self.shell(code)
        # Only what an anonymous reader really gets (not pending, hidden or embargoed).
        found["topics"] = [
            [pk, slug]
            for pk, slug in found["topics"]
            if self.status(f"/discussions/t/{pk}/{slug}/") == 200
        ]
        return found

    def count_posts(self, markers: list[str]) -> dict[str, int]:
        """Return how many posts hold each marker (a unique string in their body)."""
        path = self.workdir / "markers.json"
        path.write_text(json.dumps(markers))
        code = (
            "import json\n"
            "from collections import Counter\n"
            "from discussions.models import Post\n"
            f"markers = set(json.load(open({str(path)!r})))\n"
            "counts = Counter()\n"
            "for body in Post.objects.filter(body__contains='[marker:').values_list('body', flat=True).iterator():\n"
            "    start = body.find('[marker:')\n"
            "    marker = body[start + 8:body.find(']', start)]\n"
            "    if marker in markers: counts[marker] += 1\n"
            "print(json.dumps({m: counts.get(m, 0) for m in markers}))\n"
        )
        counts: dict[str, int] = self.shell(code)
        return counts

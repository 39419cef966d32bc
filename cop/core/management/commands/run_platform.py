"""Start the whole platform on one machine: gunicorn, a Celery worker and Celery beat.

``make run`` ends with this command. It starts the three processes, prefixes their
output with their name (and copies it to ``COP_VAR_DIR/log/<name>.log``), prints the
URL once ``/readyz`` answers 200, and supervises them:

* Ctrl-C (SIGINT) or SIGTERM is forwarded as SIGTERM to every process, which then has
  ``--stop-timeout`` seconds to shut down cleanly before its whole process group is
  killed. A second Ctrl-C kills at once.
* If one process exits, the others are stopped the same way and the command exits
  non-zero.
* Each process runs in its own session, so a terminal's Ctrl-C reaches only the
  supervisor; on Linux each also receives SIGTERM if the supervisor itself dies.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.2


@dataclass(frozen=True)
class ChildSpec:
    """One supervised process: a short name for its output and its command line."""

    name: str
    argv: list[str]


@dataclass
class _Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes]
    readers: list[threading.Thread] = field(default_factory=list)


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this (child) process when its parent dies."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    """Run a fixed set of processes together; stop all when one stops or on request."""

    def __init__(
        self,
        specs: list[ChildSpec],
        *,
        out: TextIO,
        env: dict[str, str] | None = None,
        stop_timeout: float = 20.0,
        log_dir: Path | None = None,
    ) -> None:
        self.specs = specs
        self.out = out
        self.env = env
        self.stop_timeout = stop_timeout
        self.log_dir = log_dir
        self.children: list[_Child] = []
        self.stop_signal: int | None = None
        self._kill_now = False
        self._lock = threading.Lock()

    # ------------------------------------------------------------ output
    def say(self, message: str) -> None:
        """Write one line of the supervisor's own output."""
        with self._lock:
            self.out.write(f"{'cop':>6} | {message}\n")
            self.out.flush()

    def _pump(self, name: str, stream: Any, log: TextIO | None) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            with self._lock:
                self.out.write(f"{name:>6} | {line}\n")
                self.out.flush()
                if log is not None:
                    log.write(line + "\n")
                    log.flush()
        stream.close()
        if log is not None:
            log.close()

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start every process in its own session, then the threads that copy output."""
        for spec in self.specs:
            process = subprocess.Popen(  # noqa: S603 - argv built from our own settings
                spec.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
            self.children.append(_Child(spec=spec, process=process))
            self.say(f"started {spec.name} (pid {process.pid})")
        for child in self.children:
            log = None
            if self.log_dir is not None:
                self.log_dir.mkdir(parents=True, exist_ok=True)
                log = (self.log_dir / f"{child.spec.name}.log").open(
                    "w", encoding="utf-8"
                )
            reader = threading.Thread(
                target=self._pump,
                args=(child.spec.name, child.process.stdout, log),
                daemon=True,
            )
            reader.start()
            child.readers.append(reader)

    def first_exited(self) -> _Child | None:
        """Return the first process that has exited, if any."""
        for child in self.children:
            if child.process.poll() is not None:
                return child
        return None

    def request_stop(self, signum: int, frame: FrameType | None = None) -> None:
        """Signal handler: the first signal asks for a clean stop, a second kills."""
        if self.stop_signal is not None:
            self._kill_now = True
        self.stop_signal = signum

    def stop(self) -> None:
        """Send SIGTERM to each process, wait up to ``stop_timeout``, then kill."""
        for child in self.children:
            if child.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while time.monotonic() < deadline and not self._kill_now:
            if all(child.process.poll() is not None for child in self.children):
                break
            time.sleep(POLL_SECONDS)
        for child in self.children:
            if child.process.poll() is None:
                self.say(f"{child.spec.name} did not stop in time; killing it")
            # Killing the group also removes grandchildren (gunicorn and pool workers)
            # that outlived their parent.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()
            for reader in child.readers:
                reader.join(timeout=2)

    def run(
        self,
        *,
        ready_check: Callable[[], bool] | None = None,
        on_ready: Callable[[], None] | None = None,
        ready_timeout: float = 180.0,
    ) -> int:
        """Start, wait for readiness, supervise; return the exit status.

        0 after a requested stop, otherwise non-zero (a process exited or the platform
        never became ready).
        """
        previous = {
            signum: signal.signal(signum, self.request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self.start()
            return self._supervise(ready_check, on_ready, ready_timeout)
        finally:
            self.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _supervise(
        self,
        ready_check: Callable[[], bool] | None,
        on_ready: Callable[[], None] | None,
        ready_timeout: float,
    ) -> int:
        ready = ready_check is None
        deadline = time.monotonic() + ready_timeout
        while True:
            if self.stop_signal is not None:
                self.say(
                    f"{signal.Signals(self.stop_signal).name} received; stopping all processes"
                )
                return 0
            exited = self.first_exited()
            if exited is not None:
                self.say(
                    f"{exited.spec.name} exited with status {exited.process.returncode}; "
                    "stopping the others"
                )
                return exited.process.returncode or 1
            if not ready and ready_check is not None:
                if ready_check():
                    ready = True
                    if on_ready is not None:
                        on_ready()
                elif time.monotonic() > deadline:
                    self.say(f"not ready after {ready_timeout:.0f} s; stopping")
                    return 1
            time.sleep(POLL_SECONDS if ready else 0.5)


def platform_specs(*, python: str, concurrency: int) -> list[ChildSpec]:
    """Return the command lines of the web server, the worker and beat."""
    gunicorn_conf = Path(settings.BASE_DIR) / "cop" / "gunicorn.conf.py"
    # --quiet: Celery's start-up banner is printed, not logged, and shows the broker's
    # address, which the log filters would never see.
    celery = [python, "-m", "celery", "-A", "cop", "--quiet"]
    worker = [*celery, "worker", "--loglevel", "INFO"]
    worker += ["--concurrency", str(concurrency), "--hostname", "worker@%h"]
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        # No broadcast on the filesystem transport (see settings).
        worker += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    return [
        ChildSpec("web", [python, "-m", "gunicorn", "-c", str(gunicorn_conf)]),
        ChildSpec("worker", worker),
        ChildSpec(
            "beat",
            [
                *[*celery, "beat", "--loglevel", "INFO"],
                *["--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)],
            ],
        ),
    ]


def readyz_ok(url: str, host_header: str) -> bool:
    """Return whether ``url`` answers 200 now."""
    request = urllib.request.Request(url, headers={"Host": host_header})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310 - http://127.0.0.1 only
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


class Command(BaseCommand):
    help = "Run the web server, a Celery worker and Celery beat together (make run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("COP_BIND_HOST", "127.0.0.1")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=int(os.environ.get("COP_WORKER_CONCURRENCY", "2")),
            help="Celery worker processes (default 2, env COP_WORKER_CONCURRENCY).",
        )
        parser.add_argument("--stop-timeout", type=float, default=20.0)
        parser.add_argument("--ready-timeout", type=float, default=180.0)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        env = dict(os.environ)
        env.update(
            {
                "PORT": str(port),
                "COP_BIND_HOST": host,
                "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
                "PYTHONUNBUFFERED": "1",
            }
        )
        supervisor = Supervisor(
            platform_specs(python=sys.executable, concurrency=options["concurrency"]),
            out=sys.stdout,
            env=env,
            stop_timeout=options["stop_timeout"],
            log_dir=Path(settings.VAR_DIR) / "log",
        )
        shown_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104
        url = f"http://{shown_host}:{port}/"
        allowed = settings.ALLOWED_HOSTS
        host_header = (
            shown_host
            if shown_host in allowed or "*" in allowed or not allowed
            else allowed[0].lstrip(".")
        )
        broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]

        def announce() -> None:
            supervisor.say(
                f"cop is running at {url} (database: {database}, broker: {broker}); "
                "press Ctrl-C to stop"
            )

        status = supervisor.run(
            ready_check=lambda: readyz_ok(f"{url}readyz", host_header),
            on_ready=announce,
            ready_timeout=options["ready_timeout"],
        )
        if status:
            raise CommandError("the platform stopped unexpectedly", returncode=status)
        supervisor.say("all processes stopped")

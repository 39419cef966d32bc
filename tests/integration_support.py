"""Helpers shared by the integration tests: real Redis, real Celery workers, SMTP sinks.

Services that are missing skip the test, unless ``COP_REQUIRE_SERVICES=1`` (CI),
where they fail it instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import kombu.pools
import pytest
from celery import Celery

REQUIRE_SERVICES = os.environ.get("COP_REQUIRE_SERVICES") == "1"


def service_missing(what: str) -> None:
    """Skip the test because ``what`` is missing (fail it under COP_REQUIRE_SERVICES=1)."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} (COP_REQUIRE_SERVICES=1)")
    pytest.skip(what)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_until(predicate: Callable[[], Any], timeout: float, step: float = 0.2) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds have passed (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def reset_broker_connections(app: Celery) -> None:
    """Drop every pooled broker connection (kombu's registries are keyed by URL)."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextmanager
def celery_on_broker(app: Celery, broker_url: str, **extra: Any) -> Iterator[Celery]:
    """Point ``app`` at ``broker_url`` (not eager) for the block, then restore it."""
    settings: Mapping[str, Any] = {
        "broker_url": broker_url,
        "task_always_eager": False,
        "broker_transport_options": {"visibility_timeout": 600},
        **extra,
    }
    saved = {key: app.conf[key] for key in settings}
    app.conf.update(settings)
    reset_broker_connections(app)
    try:
        yield app
    finally:
        app.conf.update(saved)
        reset_broker_connections(app)


class RedisServer:
    """A throw-away ``redis-server`` (no persistence) that can be stopped and restarted."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_until(self._answers, 10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        assert wait_until(lambda: not self._answers(), 5)

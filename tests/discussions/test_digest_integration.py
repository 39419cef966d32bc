"""Digests on a real Celery worker, a real Redis and a real SMTP server (integration).

- ``test_digest_enqueued_three_times_arrives_once``: an in-process worker
  (``celery.contrib.testing.worker.start_worker``) consumes three copies of the same
  ``send_digest_task`` from Redis and the SMTP sink (aiosmtpd) gets one message.
- ``test_digest_batch_survives_killed_worker``: a separate ``celery -A cop worker``
  process sends two ``send_digest_batch_task`` batches (as the beat fan-out
  enqueues them) through a slow SMTP sink, is SIGKILLed in the middle and a new
  worker is started (the redelivered batches take over the dead worker's claims); every due member gets exactly one digest and every
  delivery row ends ``sent``. It needs PostgreSQL (another process must see the test
  database; an in-memory SQLite database cannot be shared) and is skipped on SQLite.

Each test starts its own ``redis-server`` on a free port. Without ``redis-server``
(or PostgreSQL for the second test) they skip, unless ``COP_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.db import connection

from cop.celery import app as celery_app
from discussions.models import DigestDelivery
from discussions.tasks.digests import send_digest_batch_task, send_digest_task
from tests.discussions.digest_helpers import (
    IN_PERIOD,
    PERIOD_START,
    SLOT,
    digest_member,
    follow,
)
from tests.factories import SpaceFactory, TopicFactory
from tests.integration_support import (
    RedisServer,
    celery_on_broker,
    free_port,
    service_missing,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


class SinkHandler:
    """An SMTP server that keeps every accepted message; RCPT may be slowed down."""

    def __init__(self, rcpt_delay: float = 0.0) -> None:
        self.rcpt_delay = rcpt_delay
        self.messages: list[email.message.Message] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.rcpt_delay:
            # Slow before the message is accepted: a worker killed now never got a 250.
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        with self._lock:
            return [message["To"] for message in self.messages]


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A private redis-server on a free port (no persistence), stopped afterwards."""
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def _sink(rcpt_delay: float = 0.0) -> tuple[Controller, SinkHandler]:
    handler = SinkHandler(rcpt_delay)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, handler


@pytest.fixture
def worker_app(redis_url: str) -> Iterator[Celery]:
    """The cop app pointed at the private Redis, not eager."""
    with celery_on_broker(celery_app, redis_url) as app:
        yield app


def _due_members(count: int) -> list[Any]:
    space = SpaceFactory()
    members = [digest_member() for _ in range(count)]
    for member in members:
        follow(member, space=space)
    topic = TopicFactory(space=space, title="Patron privacy in e-book apps")
    type(topic).objects.filter(pk=topic.pk).update(created_at=IN_PERIOD)
    return members


@pytest.mark.django_db(transaction=True)
def test_digest_enqueued_three_times_arrives_once(worker_app, settings, time_machine):
    # given: a real SMTP sink and a due member
    time_machine.move_to(SLOT + timedelta(minutes=5), tick=True)
    controller, sink = _sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    (member,) = _due_members(1)
    try:
        with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=30):
            # when: the same digest is enqueued three times
            for _ in range(3):
                send_digest_task.delay(
                    member.pk, PERIOD_START.isoformat(), SLOT.isoformat()
                )
            assert wait_until(
                lambda: DigestDelivery.objects.filter(state="sent").exists(), 30
            )
            time.sleep(2)  # let the other two copies run (they must be no-ops)
    finally:
        controller.stop()
    # then
    assert sink.recipients() == [member.email]
    assert sink.messages[0]["Message-ID"].startswith(f"<digest.{member.pk}.")
    assert DigestDelivery.objects.get(user=member).state == "sent"


def _worker_env(redis_url: str, smtp_port: int, tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cop.settings.dev",
            "DJANGO_DEBUG": "false",
            "COP_VAR_DIR": str(tmp_path),
            "DATABASE_URL": url,
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            # Short, so the test sees the redelivery: unacked messages come back after
            # 8 s and a claim older than 4 s counts as its worker's death.
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "COP_DIGEST_CLAIM_TIMEOUT": "4",
        }
    )
    return env


def _start_worker(env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own interpreter
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cop",
            "worker",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the kill reaches the pool too
    )


@pytest.mark.django_db(transaction=True)
def test_digest_batch_survives_killed_worker(
    worker_app, redis_url, tmp_path, time_machine
):
    if connection.vendor != "postgresql":
        service_missing(
            "the killed-worker test needs PostgreSQL (DATABASE_URL=postgres://...)"
        )
    # given: 8 due members and an SMTP server taking 0.7 s per recipient
    time_machine.move_to(SLOT + timedelta(minutes=5), tick=True)
    members = _due_members(8)
    controller, sink = _sink(rcpt_delay=0.7)
    env = _worker_env(redis_url, controller.port, tmp_path)
    # The worker processes' clock is real; the period is explicit in each task.
    items = [[m.pk, PERIOD_START.isoformat(), SLOT.isoformat()] for m in members]
    send_digest_batch_task.delay(items[:4])
    send_digest_batch_task.delay(items[4:])
    first = _start_worker(env, "first")
    try:
        # when: the first worker is killed once some (not all) digests went out
        assert wait_until(lambda: len(sink.messages) >= 2, 60), (
            "first worker sent nothing"
        )
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        sent_before_kill = len(sink.messages)
        assert sent_before_kill < len(members)
        second = _start_worker(env, "second")
        try:
            done = wait_until(
                lambda: (
                    DigestDelivery.objects.filter(state="sent").count() == len(members)
                ),
                120,
                step=0.5,
            )
            time.sleep(
                10
            )  # longer than the visibility timeout: late duplicates show up
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        controller.stop()
    # then: exactly one digest per member, every delivery sent
    assert done, DigestDelivery.objects.values_list("state", flat=True)
    assert sorted(sink.recipients()) == sorted(m.email for m in members)
    assert set(DigestDelivery.objects.values_list("state", flat=True)) == {"sent"}
    message_ids = [message["Message-ID"] for message in sink.messages]
    assert len(set(message_ids)) == len(members)

"""Celery: the configuration every deployment gets, a real worker, and /readyz.

The worker test runs ``record_heartbeat_task`` through a real worker on the real Redis
at 127.0.0.1:6379 (database 15, emptied first). It is skipped when Redis is not
running, unless ``COP_REQUIRE_SERVICES=1`` (CI), where it fails instead.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult

from cop.celery import app as celery_app
from cop.core.models import WorkerHeartbeat
from cop.core.tasks import record_heartbeat_task
from tests.integration_support import celery_on_broker

ROOT = Path(__file__).resolve().parents[3]
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
REQUIRE_SERVICES = os.environ.get("COP_REQUIRE_SERVICES") == "1"
ONE_HOUR = 60 * 60

# Prints the configuration a worker started with ``env`` would use (and its tasks).
_DUMP_CONFIG = """
import json, django
django.setup()
from cop.celery import app
app.loader.import_default_modules()
conf = app.conf
tasks = {
    name: [task.time_limit, task.soft_time_limit, task.acks_late]
    for name, task in app.tasks.items() if not name.startswith("celery.")
}
print(json.dumps({
    "broker_url": conf.broker_url,
    "accept_content": list(conf.accept_content),
    "task_serializer": conf.task_serializer,
    "result_serializer": conf.result_serializer,
    "task_acks_late": conf.task_acks_late,
    "task_reject_on_worker_lost": conf.task_reject_on_worker_lost,
    "worker_prefetch_multiplier": conf.worker_prefetch_multiplier,
    "task_time_limit": conf.task_time_limit,
    "task_soft_time_limit": conf.task_soft_time_limit,
    "transport_options": conf.broker_transport_options,
    "remote_control": conf.worker_enable_remote_control,
    "beat": {name: entry["task"] for name, entry in conf.beat_schedule.items()},
    "tasks": tasks,
}))
"""


def _app_config(tmp_path: Path, **env: str) -> dict[str, Any]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"}
    }
    clean.update(
        {"DJANGO_SETTINGS_MODULE": "cop.settings.dev", "COP_VAR_DIR": str(tmp_path)}
    )
    clean.update(env)
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _DUMP_CONFIG],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    config: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return config


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_celery_config_with_redis_is_json_only_and_safe_to_redeliver(tmp_path):
    # when
    config = _app_config(tmp_path, REDIS_URL=REDIS_TEST_URL)
    # then
    assert config["broker_url"] == REDIS_TEST_URL
    assert config["accept_content"] == ["json"]
    assert config["task_serializer"] == config["result_serializer"] == "json"
    assert config["task_acks_late"] is True
    assert config["task_reject_on_worker_lost"] is True
    assert config["worker_prefetch_multiplier"] == 1
    visibility = config["transport_options"]["visibility_timeout"]
    assert visibility <= ONE_HOUR
    assert visibility >= config["task_time_limit"]


def test_celery_config_every_task_has_consistent_time_limits(tmp_path):
    config = _app_config(tmp_path, REDIS_URL=REDIS_TEST_URL)
    visibility = config["transport_options"]["visibility_timeout"]
    assert config["tasks"], "no cop tasks were registered"
    for name, (hard, soft, acks_late) in config["tasks"].items():
        hard = hard or config["task_time_limit"]
        soft = soft or config["task_soft_time_limit"]
        assert hard is not None, name
        # Celery refuses to send a task whose soft limit exceeds its hard limit.
        assert soft is None or soft <= hard, name
        # A task acknowledged late must finish before Redis hands its message to
        # another worker; one acknowledged on receipt (the nightly backup) may run longer.
        if acks_late:
            assert hard <= visibility, name


def test_celery_beat_schedule_names_only_registered_tasks(tmp_path):
    config = _app_config(tmp_path)
    assert "cop.core.tasks.record_heartbeat_task" in config["beat"].values()
    for entry, task in config["beat"].items():
        assert task in config["tasks"], f"beat entry {entry} runs unknown task {task}"


def test_celery_config_without_redis_uses_filesystem_broker_without_remote_control(
    tmp_path,
):
    config = _app_config(tmp_path)
    assert config["broker_url"].startswith("filesystem://")
    assert config["remote_control"] is False
    assert Path(config["transport_options"]["data_folder_in"]).is_dir()


@pytest.fixture
def redis_worker_app() -> Iterator[Celery]:
    """The cop app pointed at the real Redis (database 15), not eager."""
    if not _redis_reachable():
        if REQUIRE_SERVICES:
            pytest.fail(
                "Redis is not running at 127.0.0.1:6379 (COP_REQUIRE_SERVICES=1)"
            )
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    with celery_on_broker(celery_app, REDIS_TEST_URL) as app:
        yield app


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_record_heartbeat_task_on_real_worker_writes_heartbeat(redis_worker_app):
    # given: a real worker consuming from Redis
    with start_worker(redis_worker_app, perform_ping_check=False, shutdown_timeout=30):
        # when
        result = record_heartbeat_task.delay()
        assert not isinstance(result, EagerResult)
        # then: the worker (another thread) records the heartbeat
        deadline = time.monotonic() + 30
        while not WorkerHeartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    beat = WorkerHeartbeat.objects.get()
    assert beat.worker == socket.gethostname()
    assert beat.beats == 1


@pytest.mark.django_db
def test_readyz_with_unreachable_broker_returns_503(client, monkeypatch, settings):
    # given: the broker points at a closed port on this machine (a budget that a
    # busy machine's first import of the Redis transport cannot exceed)
    settings.COP_READYZ_TIMEOUT = 30
    monkeypatch.setitem(
        celery_app.conf, "broker_url", f"redis://127.0.0.1:{_closed_port()}/0"
    )
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["broker"].startswith("unreachable")
    assert body["checks"]["database"] == "ok"


_READYZ_WITHOUT_DATABASE = """
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.test import Client
response = Client().get("/readyz")
print(response.status_code, response.content.decode())
"""


def test_readyz_with_unreachable_database_returns_503(tmp_path):
    # given: PostgreSQL on a closed port
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cop.settings.test",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{_closed_port()}/cop",
            "COP_VAR_DIR": str(tmp_path),
        }
    )
    # when
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _READYZ_WITHOUT_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # then
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    checks = json.loads(body)["checks"]
    assert checks["database"].startswith("unreachable")
    assert "Traceback" not in result.stderr

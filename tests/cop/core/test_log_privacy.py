"""No IP address in the logs that the platform's own processes write.

gunicorn logs malformed requests in its own error log ("Invalid request from ip=...")
outside Django's logging, and Celery reports broker errors with the broker's address;
both are started here as ``make run`` starts them and their output is read.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cop.core.logging import DropClientAddress
from tests.integration_support import free_port, wait_until

ROOT = Path(__file__).resolve().parents[3]
LOOPBACK = "127.0.0.1"


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update({"COP_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


class _Output:
    """Collect a process's merged stdout and stderr in a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        assert process.stdout is not None
        self._thread = threading.Thread(
            target=lambda: self.lines.extend(iter(process.stdout.readline, "")),
            daemon=True,
        )
        self._thread.start()

    @property
    def text(self) -> str:
        return "".join(self.lines)

    def join(self) -> None:
        self._thread.join(timeout=10)


def _send_raw(port: int, payload: bytes) -> bytes:
    with socket.create_connection((LOOPBACK, port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _http_answers(port: int) -> bool:
    try:
        reply = _send_raw(
            port,
            b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
    except OSError:
        return False
    return reply.startswith(b"HTTP/1.1 200")


@pytest.mark.integration
def test_gunicorn_logs_of_malformed_requests_contain_no_ip_address(tmp_path):
    # given: gunicorn started with cop's configuration on 127.0.0.1
    port = free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "cop/gunicorn.conf.py"],
        cwd=ROOT,
        env=_clean_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="cop.settings.test",
            PORT=str(port),
            GUNICORN_WORKERS="1",
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = _Output(gunicorn)
    try:
        assert wait_until(lambda: _http_answers(port), 60), output.text
        # when: a request line over the limit, an oversized header, an invalid
        # header name and too many headers, then a good request
        replies = [
            _send_raw(port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\n\r\n"),
            _send_raw(
                port,
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
                + b"b" * 9000
                + b"\r\n\r\n",
            ),
            _send_raw(
                port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad\x01Name: v\r\n\r\n"
            ),
            _send_raw(
                port,
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + b"".join(b"X-H%d: v\r\n" % n for n in range(150))
                + b"\r\n",
            ),
        ]
        assert all(reply[9:10] == b"4" for reply in replies), replies  # 400, 414, 431
        assert _http_answers(port)
        assert wait_until(lambda: output.text.count("Invalid request") >= 4, 10)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        output.join()
    # then: the errors and the access log are there, with every address masked
    text = output.text
    assert "Invalid request from ip=[ip]: " in text, text
    assert "Request Line is too large" in text
    assert '"GET /healthz HTTP/1.1" 200' in text
    assert LOOPBACK not in text, text


@pytest.mark.integration
def test_celery_worker_log_of_unreachable_broker_contains_no_ip_address(tmp_path):
    # given: a worker started as `make run` starts it, with a broker that refuses
    broker = f"redis://{LOOPBACK}:{free_port()}/0"
    worker = subprocess.Popen(  # noqa: S603 - our own interpreter
        [
            *[sys.executable, "-m", "celery", "-A", "cop", "--quiet", "worker"],
            *["--loglevel", "INFO", "--concurrency", "1", "--pool", "solo"],
        ],
        cwd=ROOT,
        env=_clean_env(
            tmp_path, DJANGO_SETTINGS_MODULE="cop.settings.dev", REDIS_URL=broker
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = _Output(worker)
    try:
        # when: it reports that it cannot connect
        assert wait_until(lambda: "Cannot connect" in output.text, 60), output.text
        time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        output.join()
    # then
    assert "Error 111 connecting to [ip]:" in output.text, output.text
    assert LOOPBACK not in output.text, output.text


def test_drop_client_address_masks_exception_arguments_and_tracebacks():
    # given: an exception whose text holds an address, as an argument and raised
    error = ConnectionError(
        "Error 111 connecting to 10.1.2.3:6379. Connection refused."
    )
    try:
        raise error
    except ConnectionError:
        record = logging.LogRecord(
            "celery", logging.ERROR, __file__, 1, "cannot connect: %s", (error,), None
        )
        record.exc_info = sys.exc_info()
    # when
    DropClientAddress().filter(record)
    rendered = logging.Formatter().format(record)
    # then
    assert "cannot connect: Error 111 connecting to [ip]:6379" in rendered
    assert "10.1.2.3" not in rendered
    assert "Traceback" in rendered


def test_drop_client_address_keeps_numeric_formats():
    record = logging.LogRecord(
        "cop", logging.INFO, __file__, 1, "%d rows from %s in %.1f s", None, None
    )
    record.args = (3, "192.0.2.1", 0.25)
    DropClientAddress().filter(record)
    assert record.getMessage() == "3 rows from [ip] in 0.2 s"

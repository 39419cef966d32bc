"""The process supervisor behind ``make run`` (``manage.py run_platform``)."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cop.core.management.commands.run_platform import (
    ChildSpec,
    Supervisor,
    platform_specs,
)

ROOT = Path(__file__).resolve().parents[3]
SLEEPER = "import time; print('up', flush=True); time.sleep(120)"
IGNORES_SIGTERM = (
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    "print('up', flush=True); time.sleep(120)"
)
SPAWNS_GRANDCHILD = (
    "import subprocess, sys, time; "
    "g = subprocess.Popen([sys.executable, '-c', "
    "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)']); "
    "print('grandchild', g.pid, flush=True); print('up', flush=True); time.sleep(120)"
)


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _alive(pid: int) -> bool:
    """Return whether ``pid`` is a running process (zombies count as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _stop_when_all_up(out: io.StringIO, count: int):
    """A ready check that is true once ``count`` children printed 'up'."""
    return lambda: out.getvalue().count("| up") >= count


def _send_sigterm_to_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


def test_supervisor_when_one_child_exits_stops_the_others_and_returns_its_status():
    # given
    out = io.StringIO()
    specs = [
        ChildSpec("sleeper", _python(SLEEPER)),
        ChildSpec("crasher", _python("import sys; sys.exit(3)")),
    ]
    supervisor = Supervisor(specs, out=out, stop_timeout=10)
    # when
    status = supervisor.run()
    # then
    assert status == 3
    assert "crasher exited with status 3; stopping the others" in out.getvalue()
    sleeper = supervisor.children[0].process
    assert sleeper.returncode == -signal.SIGTERM
    assert not _alive(sleeper.pid)


def test_supervisor_when_a_child_exits_cleanly_still_returns_nonzero():
    supervisor = Supervisor(
        [ChildSpec("quitter", _python("pass")), ChildSpec("sleeper", _python(SLEEPER))],
        out=io.StringIO(),
        stop_timeout=10,
    )
    assert supervisor.run() == 1


def test_supervisor_on_sigterm_stops_every_child_and_returns_zero():
    # given
    out = io.StringIO()
    specs = [ChildSpec("one", _python(SLEEPER)), ChildSpec("two", _python(SLEEPER))]
    supervisor = Supervisor(specs, out=out, stop_timeout=10)
    # when: SIGTERM arrives once both children run
    status = supervisor.run(
        ready_check=_stop_when_all_up(out, 2), on_ready=_send_sigterm_to_self
    )
    # then
    assert status == 0
    assert "SIGTERM received; stopping all processes" in out.getvalue()
    for child in supervisor.children:
        assert child.process.returncode == -signal.SIGTERM
        assert not _alive(child.process.pid)


def test_supervisor_child_ignoring_sigterm_is_killed_after_the_timeout():
    # given
    out = io.StringIO()
    supervisor = Supervisor(
        [ChildSpec("stubborn", _python(IGNORES_SIGTERM))], out=out, stop_timeout=0.5
    )
    # when
    status = supervisor.run(
        ready_check=_stop_when_all_up(out, 1), on_ready=_send_sigterm_to_self
    )
    # then
    assert status == 0
    assert "stubborn did not stop in time; killing it" in out.getvalue()
    assert supervisor.children[0].process.returncode == -signal.SIGKILL


def test_supervisor_stop_leaves_no_grandchildren_behind():
    # given: a child whose own child ignores SIGTERM
    out = io.StringIO()
    supervisor = Supervisor(
        [ChildSpec("parent", _python(SPAWNS_GRANDCHILD))], out=out, stop_timeout=10
    )
    # when
    supervisor.run(
        ready_check=_stop_when_all_up(out, 1), on_ready=_send_sigterm_to_self
    )
    # then
    grandchild = int(re.search(r"grandchild (\d+)", out.getvalue()).group(1))
    deadline = time.monotonic() + 10
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(grandchild)


def test_supervisor_output_is_prefixed_and_copied_to_log_files(tmp_path):
    out = io.StringIO()
    supervisor = Supervisor(
        [ChildSpec("talker", _python("print('hello'); import sys; sys.exit(0)"))],
        out=out,
        log_dir=tmp_path,
    )
    supervisor.run()
    assert "talker | hello" in out.getvalue()
    assert (tmp_path / "talker.log").read_text() == "hello\n"


def test_platform_specs_with_filesystem_broker_start_worker_without_broadcast(settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    specs = {
        spec.name: spec.argv for spec in platform_specs(python="py", concurrency=2)
    }
    assert set(specs) == {"web", "worker", "beat"}
    assert {"--without-mingle", "--without-gossip"} <= set(specs["worker"])
    assert specs["web"][:3] == ["py", "-m", "gunicorn"]
    assert "beat" in specs["beat"]


def test_platform_specs_with_redis_broker_keep_mingle_and_gossip(settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    worker = next(
        spec.argv
        for spec in platform_specs(python="py", concurrency=3)
        if spec.name == "worker"
    )
    assert "--without-mingle" not in worker
    assert worker[worker.index("--concurrency") + 1] == "3"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.integration
def test_run_platform_serves_readyz_runs_scheduled_heartbeat_and_stops_on_ctrl_c(
    tmp_path,
):
    """The whole embedded platform: gunicorn, worker and beat on SQLite and files."""
    # given: a fresh embedded installation with a 2-second heartbeat schedule
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    port = _free_port()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cop.settings.dev",
            "COP_VAR_DIR": str(tmp_path / "var"),
            "COP_HEARTBEAT_SECONDS": "2",
            "PORT": str(port),
            "PYTHONUNBUFFERED": "1",
        }
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(  # noqa: S603 - our own interpreter
        [*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    platform = subprocess.Popen(  # noqa: S603 - our own interpreter
        [*manage, "run_platform", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.extend(iter(platform.stdout.readline, "")), daemon=True
    )
    reader.start()
    try:
        # when: it is up and beat has sent at least one heartbeat through the worker
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and platform.poll() is None:
            text = "".join(lines)
            if "cop is running at" in text and "heartbeat from worker" in text:
                break
            time.sleep(0.5)
        text = "".join(lines)
        assert f"cop is running at http://127.0.0.1:{port}/" in text, text
        assert re.search(r"worker \| .*heartbeat from worker", text), text
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz") as response:
            assert response.status == 200
        # DEBUG is off by default: the site's 404 page, with the CSP header...
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/no-such-page/")
        assert missing.value.code == 404
        assert "default-src 'self'" in missing.value.headers["Content-Security-Policy"]
        assert "Page not found" in missing.value.read().decode()
        # ...and static files are still served.
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/css/cop.css"
        ) as css:
            assert css.status == 200
    finally:
        # then: Ctrl-C stops all three processes and their children
        platform.send_signal(signal.SIGINT)
        status = platform.wait(timeout=90)
        reader.join(timeout=5)
    text = "".join(lines)
    assert status == 0, text
    assert "all processes stopped" in text
    pids = [int(pid) for pid in re.findall(r"started \w+ \(pid (\d+)\)", text)]
    assert len(pids) == 3
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.killpg(pid, 0)
    assert (
        "heartbeat from worker" in (tmp_path / "var" / "log" / "worker.log").read_text()
    )

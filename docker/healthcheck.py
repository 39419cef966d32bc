"""Container health checks: ``python docker/healthcheck.py web|worker|beat``.

web     /readyz answers 200 (database and broker reachable)
worker  the worker answers a remote-control ping
beat    the beat schedule file was written recently (beat syncs it every few minutes)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BEAT_STALE_SECONDS = 15 * 60


def web() -> bool:
    """Ask /readyz under the first allowed host name, as the proxy would."""
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/readyz",
        headers={"Host": host.lstrip(".") or "localhost", "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def worker() -> bool:
    """Ping this container's worker through the broker."""
    result = subprocess.run(  # noqa: S603 - fixed command line
        [
            *[sys.executable, "-m", "celery", "-A", "cop", "inspect", "ping"],
            *["--timeout", "5", "--destination", f"worker@{os.uname().nodename}"],
        ],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def beat() -> bool:
    """Check that the schedule file exists and was written recently."""
    schedule = Path(os.environ.get("COP_VAR_DIR", "/var/lib/cop"))
    files = list(schedule.glob("celerybeat-schedule*"))
    return any(time.time() - f.stat().st_mtime < BEAT_STALE_SECONDS for f in files)


if __name__ == "__main__":
    checks = {"web": web, "worker": worker, "beat": beat}
    sys.exit(0 if checks[sys.argv[1]]() else 1)

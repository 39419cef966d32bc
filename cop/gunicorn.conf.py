"""gunicorn configuration shared by ``make run`` and the ``web`` container.

Environment: ``PORT`` (8000), ``COP_BIND_HOST`` (127.0.0.1; the container uses
0.0.0.0), ``GUNICORN_WORKERS`` (2 sync workers), ``GUNICORN_TIMEOUT`` (30 s),
``GUNICORN_PRELOAD`` (1: load the app once in the master).
The access log never contains the client address: only time, request line without
the query string, status, size and duration; the error log masks every IP address
(``cop.core.logging.GunicornLogger``).
"""

# ruff: noqa: N999 - gunicorn.conf.py is the name gunicorn looks for

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")


def _check_configuration() -> None:
    """Stop the master with one sentence if the settings cannot be loaded."""
    from django.conf import settings

    from cop.settings.config import ConfigurationError

    try:
        settings.INSTALLED_APPS  # noqa: B018 - forces the settings module to load
    except ConfigurationError as exc:
        sys.stderr.write(f"cop: configuration error: {exc}\n")
        sys.exit(2)


_check_configuration()

bind = [
    f"{os.environ.get('COP_BIND_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
]
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
# Load Django once in the master and fork the workers from it: less memory, a faster
# start, and a broken app stops the master instead of crash-looping workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Restart workers now and then so that a slow leak never takes the site down.
max_requests = 2000
max_requests_jitter = 200
wsgi_app = "cop.wsgi:application"
accesslog = "-"
errorlog = "-"
# Masks IP addresses in gunicorn's own logs ("Invalid request from ip=...").
logger_class = "cop.core.logging.GunicornLogger"
# No %(h)s (client address), no query string, no referrer or user agent.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
# Only the reverse proxy in front of the container may say a request came over https.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket (gunicorn >= 25.1): it would live in $HOME, where two
# checkouts or the test suite would fight over one path; nothing uses gunicornc.
control_socket_disable = True
# The container's /tmp may be a small overlay; /dev/shm keeps worker heartbeats in RAM.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

"""``python -m tests.bench.cputime``: CPU time per request in-process, against the bare baseline.

    .venv/bin/python -m tests.bench.cputime --path / --path /vendors/compare/?p=... --member

A quick companion to ``python -m tests.bench`` for a shared or loaded machine, where
``wrk`` figures move with the neighbours' load: the CPU time this process spends per
request does not. Each path is requested through Django's WSGI handler (the whole
middleware stack, a real ``environ`` as gunicorn builds it, no test client and no
network) on the database of ``DATABASE_URL`` (seeded, e.g. by ``seed_demo``) with the
benchmark's production-like settings (:mod:`tests.bench.settings`), after a warm-up;
anonymous, and with ``--member`` also as the demo library worker (a session made for
the run and deleted after). The bare hello-world (:mod:`tests.bench.bare_settings`) is
measured the same way in a child process, and each figure is printed as a ratio of
it, with the load average. The database time of a page is not CPU time of this
process: the ratios are an upper bound of what ``wrk`` can show on an idle machine.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

HOST = "127.0.0.1"


def _environ(path: str, cookie: str) -> dict[str, Any]:
    path_info, _sep, query = path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path_info,
        "QUERY_STRING": query,
        "SERVER_NAME": HOST,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": HOST,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    return environ


def cpu_ms(
    app: Callable[..., Iterable[bytes]], path: str, cookie: str, n: int
) -> float:
    """Return the CPU milliseconds ``app`` spends per request to ``path`` (after 20)."""
    statuses: list[str] = []

    def start_response(status: str, headers: Any, exc_info: Any = None) -> None:
        statuses.append(status)

    def once() -> None:
        body = app(_environ(path, cookie), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    for _ in range(20):
        once()
    if not statuses[-1].startswith("200"):
        raise RuntimeError(f"{path} answered {statuses[-1]}")
    started = time.process_time()
    for _ in range(n):
        once()
    return (time.process_time() - started) / n * 1000


def _bare(n: int) -> float:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.bare_settings"}
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "tests.bench.cputime", "--bare-only", "-n", str(n)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def _member_cookie() -> tuple[str, Callable[[], None]]:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user = get_user_model().objects.get(email="library@example.org")
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    # A signed-in browser also sends the CSRF cookie it got with the sign-in form.
    from django.middleware.csrf import _get_new_csrf_string

    cookie = (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={_get_new_csrf_string()}"
    )
    return cookie, session.delete


def main(argv: list[str] | None = None) -> int:
    """Print each path's CPU time per request and its ratio to the bare baseline."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.cputime")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--member", action="store_true", help="also signed in")
    parser.add_argument("-n", type=int, default=200, help="requests measured")
    parser.add_argument("--bare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_only:
        from django.core.wsgi import get_wsgi_application

        sys.stdout.write(
            f"{cpu_ms(get_wsgi_application(), '/hello/', '', args.n * 5):.4f}\n"
        )
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "cputime-not-secret")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    bare = _bare(args.n)
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    cookie, forget = _member_cookie() if args.member else ("", lambda: None)
    load = os.getloadavg()
    sys.stdout.write(f"bare hello-world: {bare:.3f} ms CPU per request\n")
    try:
        for path in args.path or ["/"]:
            roles = [("anonymous", "")] + ([("signed in", cookie)] if cookie else [])
            for role, sent in roles:
                ms = cpu_ms(app, path, sent, args.n)
                sys.stdout.write(
                    f"{path} ({role}): {ms:.2f} ms CPU, ratio {bare / ms:.3f}\n"
                )
    finally:
        forget()
    sys.stdout.write(
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (at the start)\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

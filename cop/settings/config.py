"""Turn environment variables into settings values, failing with one clear sentence.

Settings modules call these helpers so that a wrong value (``DATABASE_URL=nonsense``, a
missing production secret) stops the process with a :class:`ConfigurationError` whose
message names the variable and what it should look like. ``manage.py``, the WSGI entry
point and the Celery app print that message alone instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigurationError(ImproperlyConfigured):
    """A setting read from the environment is missing or malformed."""


DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def database_from_url(
    url: str, *, conn_max_age: int = 60, prepared_statements: bool = True
) -> dict[str, Any]:
    """Return a Django ``DATABASES`` entry for ``url`` or raise :class:`ConfigurationError`."""
    parts = urlsplit(url)
    if parts.scheme not in DATABASE_SCHEMES:
        raise ConfigurationError(
            f"DATABASE_URL must look like postgres://USER@HOST:5432/NAME or "
            f"sqlite:///PATH, but it is {url!r}."
        )
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as in dj-database-url.
        name = (parts.netloc + parts.path)[1:] if not parts.netloc else ""
        if not name:
            raise ConfigurationError(
                f"DATABASE_URL {url!r} names no SQLite file: use sqlite:///relative.db or sqlite:////absolute/path.db."
            )
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # WAL lets the web server read while the worker writes; IMMEDIATE
                # transactions take the write lock up front instead of failing with
                # "database is locked" halfway through.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if not parts.hostname or not parts.path.strip("/"):
        raise ConfigurationError(
            f"DATABASE_URL {url!r} needs a host and a database name, e.g. postgres://postgres@127.0.0.1:5432/cop."
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.strip("/"),
        "USER": parts.username or "",
        "PASSWORD": parts.password or "",
        "HOST": parts.hostname,
        "PORT": str(parts.port or 5432),
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "connect_timeout": 5,
            # Server-side binding lets psycopg prepare a statement that a connection
            # runs repeatedly, so PostgreSQL plans it once instead of on every
            # request (planning the member's login query took longer than running
            # it). Turn off behind a transaction-pooling PgBouncer, which cannot keep
            # prepared statements: DATABASE_PREPARED_STATEMENTS=0.
            **(
                {"server_side_binding": True, "prepare_threshold": 2}
                if prepared_statements
                else {}
            ),
        },
    }


def checked_url(name: str, url: str, schemes: set[str]) -> str:
    """Return ``url`` if its scheme is one of ``schemes``, else raise :class:`ConfigurationError`."""
    scheme = urlsplit(url).scheme
    if scheme not in schemes:
        raise ConfigurationError(
            f"{name} must start with one of {', '.join(sorted(s + '://' for s in schemes))}, but it is {url!r}."
        )
    return url


def positive_number(name: str, text: str) -> float:
    """Return ``text`` (the value of variable ``name``) as a number above zero.

    Raises :class:`ConfigurationError` naming the variable otherwise: a zero or
    negative delay would turn a backoff into a busy loop.
    """
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ConfigurationError(
            f"{name} must be a number above 0, but it is {text!r}."
        )
    return value

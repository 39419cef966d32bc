"""Configuration fail-fast: a wrong environment stops every entry point with one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cop.settings.config import ConfigurationError, checked_url, database_from_url

ROOT = Path(__file__).resolve().parents[3]
SECRET = "q8#Vn2!xR7mZp4@Lw9^Tk3&Hs6*Jd1(Fb5)Gc0-Ye8_Ua2+Oi7"
ENV_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
)


def _run(
    argv: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ENV_VARIABLES}
    base.update({"COP_VAR_DIR": str(tmp_path / "var"), "PORT": "1"})
    base.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and entry points
        argv,
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _assert_one_sentence(
    result: subprocess.CompletedProcess[str], variable: str
) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cop: configuration error:")
    assert variable in lines[0]
    assert lines[0].endswith(".")


def _manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def test_manage_check_with_nonsense_database_url_fails_with_one_sentence(tmp_path):
    result = _run(_manage("check"), tmp_path, DATABASE_URL="nonsense")
    _assert_one_sentence(result, "DATABASE_URL")


def test_manage_check_with_ftp_redis_url_fails_with_one_sentence(tmp_path):
    result = _run(_manage("check"), tmp_path, REDIS_URL="ftp://x")
    _assert_one_sentence(result, "REDIS_URL")


def test_manage_check_with_unknown_broker_url_fails_with_one_sentence(tmp_path):
    result = _run(_manage("check"), tmp_path, CELERY_BROKER_URL="amqp://x")
    _assert_one_sentence(result, "CELERY_BROKER_URL")


def test_prod_settings_without_secret_key_fail_with_one_sentence(tmp_path):
    result = _run(
        _manage("check"),
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.prod",
        DJANGO_ALLOWED_HOSTS="cop.example.org",
    )
    _assert_one_sentence(result, "DJANGO_SECRET_KEY")


def test_prod_settings_with_short_secret_key_fail_with_one_sentence(tmp_path):
    result = _run(
        _manage("check"),
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.prod",
        DJANGO_SECRET_KEY="short",
        DJANGO_ALLOWED_HOSTS="cop.example.org",
    )
    _assert_one_sentence(result, "DJANGO_SECRET_KEY")


def test_prod_settings_without_allowed_hosts_fail_with_one_sentence(tmp_path):
    result = _run(
        _manage("check"),
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.prod",
        DJANGO_SECRET_KEY=SECRET,
    )
    _assert_one_sentence(result, "DJANGO_ALLOWED_HOSTS")


def test_prod_settings_with_secrets_pass_the_check(tmp_path):
    result = _run(
        _manage("check"),
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.prod",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ALLOWED_HOSTS="cop.example.org",
    )
    assert result.returncode == 0, result.stderr


def test_celery_worker_with_nonsense_database_url_fails_with_one_sentence(tmp_path):
    argv = [sys.executable, "-m", "celery", "-A", "cop", "worker", "--pool", "solo"]
    result = _run(argv, tmp_path, DATABASE_URL="nonsense")
    _assert_one_sentence(result, "DATABASE_URL")


def test_celery_beat_with_ftp_redis_url_fails_with_one_sentence(tmp_path):
    argv = [sys.executable, "-m", "celery", "-A", "cop", "beat"]
    result = _run(argv, tmp_path, REDIS_URL="ftp://x")
    _assert_one_sentence(result, "REDIS_URL")


def test_gunicorn_with_nonsense_database_url_fails_with_one_sentence(tmp_path):
    argv = [sys.executable, "-m", "gunicorn", "-c", "cop/gunicorn.conf.py"]
    result = _run(argv, tmp_path, DATABASE_URL="nonsense")
    _assert_one_sentence(result, "DATABASE_URL")


def test_wsgi_module_with_nonsense_database_url_fails_with_one_sentence(tmp_path):
    result = _run(
        [sys.executable, "-c", "import cop.wsgi"], tmp_path, DATABASE_URL="nonsense"
    )
    _assert_one_sentence(result, "DATABASE_URL")
    assert result.returncode == 4  # gunicorn's "application failed to load"


def test_database_from_url_with_postgres_url_returns_postgres_settings():
    database = database_from_url("postgres://cop:pw@db.internal:6543/copdb")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        "6543",
        "copdb",
    )
    assert (database["USER"], database["PASSWORD"]) == ("cop", "pw")


def test_database_from_url_with_absolute_sqlite_path_returns_sqlite(tmp_path):
    database = database_from_url(f"sqlite:///{tmp_path}/sub/cop.sqlite3")
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == f"{tmp_path}/sub/cop.sqlite3"
    assert (tmp_path / "sub").is_dir()


@pytest.mark.parametrize("url", ["nonsense", "mysql://x/y", "postgres://", "sqlite://"])
def test_database_from_url_with_bad_url_raises_configuration_error(url):
    with pytest.raises(ConfigurationError, match="DATABASE_URL"):
        database_from_url(url)


def test_checked_url_with_wrong_scheme_names_the_variable():
    with pytest.raises(ConfigurationError, match=r"^REDIS_URL must start with"):
        checked_url("REDIS_URL", "ftp://x", {"redis"})

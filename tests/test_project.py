"""Project-wide gates: lint, formatting, migrations, deploy checks, container files, README."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("COP_REQUIRE_SERVICES") == "1"
# 50 characters, many distinct ones, no "django-insecure-" prefix: what check --deploy wants.
DEPLOY_SECRET = "q8#Vn2!xR7mZp4@Lw9^Tk3&Hs6*Jd1(Fb5)Gc0-Ye8_Ua2+Oi7"


def _run(
    argv: list[str], tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for their
        # live server; a deployment check must not inherit it.
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update({"COP_VAR_DIR": str(tmp_path / "var"), **env})
    return subprocess.run(  # noqa: S603 - fixed tools from our own virtualenv
        argv,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_ruff_check_finds_nothing(tmp_path):
    result = _run([sys.executable, "-m", "ruff", "check", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_check_finds_nothing(tmp_path):
    result = _run([sys.executable, "-m", "ruff", "format", "--check", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing(tmp_path):
    result = _run([sys.executable, "-m", "mypy", "."], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_makemigrations_check_finds_no_missing_migrations(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.test",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_with_production_settings_has_no_warnings(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SETTINGS_MODULE="cop.settings.prod",
        DJANGO_SECRET_KEY=DEPLOY_SECRET,
        DJANGO_ALLOWED_HOSTS="cop.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_docker_compose_config_is_valid(tmp_path):
    if shutil.which("docker-compose") is None:
        if REQUIRE_SERVICES:
            pytest.fail("docker-compose is not installed (COP_REQUIRE_SERVICES=1)")
        pytest.skip("docker-compose is not installed")
    result = _run(
        ["docker-compose", "-f", "docker/compose.yaml", "config", "-q"],
        tmp_path,
        DJANGO_SECRET_KEY=DEPLOY_SECRET,
        DJANGO_ALLOWED_HOSTS="cop.example.org",
        POSTGRES_PASSWORD="compose-check",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_runs_every_process_with_a_healthcheck():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    assert "name" not in compose  # Debian's docker-compose rejects it
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), name
        assert service.get("volumes"), name
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "cop.settings.prod"
        assert environment["REDIS_URL"].startswith("redis://")
        assert environment["DATABASE_URL"].startswith("postgres://")


def test_dockerfile_runs_as_non_root_from_the_lock():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3.11-slim$", dockerfile, flags=re.MULTILINE)
    assert "uv sync --locked --no-dev" in dockerfile
    assert "collectstatic" in dockerfile
    assert re.search(r"^USER cop$", dockerfile, flags=re.MULTILINE)


def test_gunicorn_config_logs_no_client_address_and_runs_two_workers(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.setenv("PORT", "8123")
    config = runpy.run_path(str(ROOT / "cop" / "gunicorn.conf.py"))
    assert "%(h)s" not in config["access_log_format"]
    assert (
        "%(q)s" not in config["access_log_format"]
    )  # query strings may carry personal data
    assert config["workers"] == 2
    assert config["bind"] == ["127.0.0.1:8123"]


def test_gunicorn_config_workers_follow_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    config = runpy.run_path(str(ROOT / "cop" / "gunicorn.conf.py"))
    assert config["workers"] == 5


def test_readme_starts_with_make_run_then_make_test():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^(?:\$ )?(make \S+.*)$", readme, flags=re.MULTILINE)
    assert commands[:2] == ["make run", "make test"]


def test_readme_lists_every_environment_variable_the_settings_read():
    readme = (ROOT / "README.md").read_text()
    read = set()
    for path in (ROOT / "cop" / "settings").glob("*.py"):
        read |= set(
            re.findall(r"""env(?:\.\w+)?\(\s*["']([A-Z0-9_]+)["']""", path.read_text())
        )
    assert read, "no environment variables found in the settings"
    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert not missing, f"README.md does not document {missing}"

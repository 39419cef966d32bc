"""``make run`` behaves like production in everything but where it stores data.

DEBUG is off unless ``COP_DEBUG=1``; static files (WhiteNoise) and uploaded images
(``cop.core.views.media``) are still served; every response carries the CSP header,
404 pages and static files included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def _debug_of(settings_module: str, tmp_path: Path, **env: str) -> str:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COP_DEBUG", "DJANGO_DEBUG", "DATABASE_URL", "REDIS_URL"}
    }
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "COP_VAR_DIR": str(tmp_path / "var"),
            **env,
        }
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, settings.COP_SERVE_MEDIA)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip()


def test_dev_settings_of_make_run_have_debug_off_by_default(tmp_path):
    assert _debug_of("cop.settings.dev", tmp_path) == "False True"


@pytest.mark.parametrize(
    ("variable", "value"), [("COP_DEBUG", "1"), ("DJANGO_DEBUG", "true")]
)
def test_dev_settings_debug_is_opt_in(tmp_path, variable, value):
    assert _debug_of("cop.settings.dev", tmp_path, **{variable: value}) == "True True"


def test_prod_settings_never_debug_and_never_serve_media(tmp_path):
    result = _debug_of(
        "cop.settings.prod",
        tmp_path,
        COP_DEBUG="1",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="cop.example.org",
    )
    assert result == "False False"


# ----------------------------------------------------------------- media


@pytest.fixture
def image(settings) -> str:
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    folder.mkdir(parents=True)
    (folder / "logo.png").write_bytes(PNG)
    documents = Path(settings.MEDIA_ROOT) / "documents"
    documents.mkdir()
    (documents / "private.pdf").write_bytes(b"%PDF-1.4 private")
    return "/media/original_images/logo.png"


def test_media_of_embedded_default_serves_uploaded_images(client, settings, image):
    settings.COP_SERVE_MEDIA = True
    response = client.get(image)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/documents/private.pdf",  # documents go through Wagtail's privacy view
        "/media/original_images/missing.png",
        "/media/../cop.sqlite3",
        "/media/%2e%2e/cop.sqlite3",
    ],
)
def test_media_never_serves_documents_missing_files_or_paths_outside(
    client, settings, image, path
):
    settings.COP_SERVE_MEDIA = True
    response = client.get(path)
    assert response.status_code in {400, 404}  # 400: a path outside the root
    assert b"private" not in response.content


@pytest.mark.django_db
def test_media_when_turned_off_is_404(client, settings, image):
    settings.COP_SERVE_MEDIA = False
    assert client.get(image).status_code == 404


# ----------------------------------------------------------------- CSP everywhere


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/no-such-page/", 404),
        ("get", "/static/css/cop.css", 200),
        ("get", "/static/img/favicon.svg", 200),
        ("get", "/static/no-such-file.css", 404),
        ("get", "/vendors/?q=%00", 400),
        ("post", "/healthz", 405),
        ("get", "/healthz", 200),
        ("get", "/api/v1/", 200),
    ],
)
def test_every_response_carries_the_csp_header(settings, method, url, status):
    settings.WHITENOISE_USE_FINDERS = True  # as in the dev settings of `make run`
    response = getattr(Client(raise_request_exception=False), method)(url)
    assert response.status_code == status
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Permissions-Policy" in response

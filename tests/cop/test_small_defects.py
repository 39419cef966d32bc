"""Small defects found by using the site: page titles, the favicon, possessives."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.roles import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_page_title_of_a_view_page_has_no_empty_segment(
    client: Client, library_worker: Any
) -> None:
    client.force_login(library_worker)
    html = client.get("/discussions/notifications/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "·  ·" not in title
    assert title.strip().startswith("Notifications · ")


def test_favicon_ico_leads_to_the_site_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert "favicon" in response["Location"]


def _site_url_with(**environ: str) -> str:
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PORT", "COP_SITE_URL"}
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="cop.settings.base")
    code = "from django.conf import settings; print(settings.SITE_URL)"
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_site_url_follows_the_port_make_run_serves_on() -> None:
    assert _site_url_with(PORT="8123") == "http://127.0.0.1:8123"
    assert (
        _site_url_with(PORT="8123", COP_SITE_URL="https://cop.example.org/")
        == "https://cop.example.org"
    )

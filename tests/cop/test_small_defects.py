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

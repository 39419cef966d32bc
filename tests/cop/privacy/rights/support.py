"""Helpers for the data rights tests."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse


def signed_in(client: Client, user: Any) -> Client:
    """Sign ``user`` in and re-authenticate, as a member about to delete or export."""
    client.force_login(user)
    response = client.post(
        reverse("account_reauthenticate"), {"password": settings.COP_DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return client

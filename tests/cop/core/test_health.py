"""Health and readiness endpoints."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_alive_returns_200(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_with_database_and_broker_returns_200(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"

"""A database that cannot be reached gives a 503 page with Retry-After, not a 500.

The requests below go to a database that refuses connections (PostgreSQL: a closed
port; SQLite: a file that cannot be opened), through the whole middleware stack.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from cop.core.outage import is_database_outage
from tests.integration_support import free_port

# ----------------------------------------------------------------- refusing database


def _refuse_sqlite(*args: object, **kwargs: object) -> None:
    try:
        raise sqlite3.OperationalError("unable to open database file")
    except sqlite3.OperationalError as exc:
        raise OperationalError(str(exc)) from exc


@pytest.fixture
def refusing_database(django_db_blocker, monkeypatch) -> Iterator[None]:
    """Make the default database refuse every connection.

    PostgreSQL: the connection goes to a closed port. SQLite's test database lives in
    memory and would vanish if its connection were closed, so opening a cursor
    raises what an unreadable database file raises instead.
    """
    connection = connections["default"]
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            monkeypatch.setattr(type(connection), "_cursor", _refuse_sqlite)
            yield
            return
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def _client() -> Client:
    return Client(raise_request_exception=False)


def test_page_while_database_refuses_is_503_with_retry_after(refusing_database):
    response = _client().get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "cop is briefly unavailable" in body
    assert "not saved" not in body
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_signed_in_style_request_with_session_cookie_is_503(refusing_database):
    client = _client()
    client.cookies["sessionid"] = "a" * 32  # the session row is read first
    response = client.get("/discussions/")
    assert response.status_code == 503


def test_form_post_while_database_refuses_says_it_was_not_saved(refusing_database):
    response = _client().post(
        "/accounts/login/", {"login": "a@example.org", "password": "x" * 12}
    )
    assert response.status_code == 503
    assert "What you sent was not saved" in response.content.decode()


def test_api_while_database_refuses_is_json_503(refusing_database):
    response = _client().get("/api/v1/vendors/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "unavailable" in response.json()["detail"]


def test_healthz_while_database_refuses_still_answers(refusing_database):
    assert _client().get("/healthz").status_code == 200


def test_readyz_while_database_refuses_is_503(refusing_database):
    response = _client().get("/readyz")
    assert response.status_code == 503


# ----------------------------------------------------------------- a write, then the outage


def _write_then_fail(request: HttpRequest) -> HttpResponse:
    from cop.members.models import Organisation

    Organisation.objects.create(name="Saved first", slug="saved-first", kind="library")
    raise OperationalError("server closed the connection unexpectedly")


def _fail_with_a_bug(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("write-then-fail/", _write_then_fail),
    path("bug/", _fail_with_a_bug),
]
handler500 = "cop.core.outage.server_error"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_form_post_failing_after_a_write_says_to_check_before_sending_again():
    response = _client().post("/write-then-fail/", {"body": "text"})
    assert response.status_code == 503
    assert "may or may not have been saved" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_errors_still_answer_the_500_page():
    response = _client().get("/bug/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


# ----------------------------------------------------------------- classification


def _wrapped(cause: BaseException, wrapper: type[DatabaseError]) -> DatabaseError:
    error = wrapper(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("exc", "outage"),
    [
        (OperationalError("connection refused"), True),
        (InterfaceError("connection already closed"), True),
        (
            _wrapped(sqlite3.OperationalError("database is locked"), OperationalError),
            True,
        ),
        (
            _wrapped(sqlite3.OperationalError("no such table: x"), OperationalError),
            False,
        ),
        (DatabaseError("value too long"), False),
        (ValueError("bug"), False),
        (None, False),
    ],
)
def test_is_database_outage(exc, outage):
    assert is_database_outage(exc) is outage

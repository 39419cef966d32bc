"""The site header kept by the process equals the header rendered for the request.

Keyed on what it shows (language, section, member, their counts and roles); the
sign-out form carries the request's own CSRF token.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from cop.core import header
from discussions.models import Notification, NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

_HEADER = re.compile(r'<header class="site-header">.*?</header>', re.S)


@pytest.fixture(autouse=True)
def _empty_memo(settings: Any) -> Any:
    settings.DEBUG = False
    header._memo.items.clear()
    yield
    header._memo.items.clear()


def _header(client: Client, url: str = "/discussions/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    found = _HEADER.search(response.content.decode())
    assert found
    return found.group(0)


def _fresh(client: Client, url: str = "/discussions/") -> str:
    header._memo.items.clear()
    return _header(client, url)


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.mark.parametrize(
    "role", ["anonymous", "library_worker", "vendor_rep_a", "moderator"]
)
def test_the_kept_header_equals_a_fresh_render_for_every_role(people, role):
    # given: every role's header kept, in two sections of the site
    clients = {name: _client(user) for name, user in people.items()}
    for client in clients.values():
        _header(client)
        _header(client, "/vendors/")
    client = clients[role]
    # when / then
    for url in ("/discussions/", "/vendors/"):
        kept = _header(client, url)
        assert _without_token(kept) == _without_token(_fresh(client, url))


def test_each_member_sees_their_own_name_and_counts(people, library_worker):
    # given
    other = UserFactory(display_name="Someone Else")
    Notification.objects.create(user=library_worker, kind=NotificationKind.REPLY)
    worker, someone = _client(library_worker), _client(other)
    # when
    first = _header(worker)
    second = _header(someone)
    # then
    assert "Someone Else" in second
    assert "Someone Else" not in first
    assert '<span class="badge">1<span class="visually-hidden"> unread' in first
    assert "unread" not in second


def test_a_new_notification_changes_the_count_at_once(library_worker):
    # given
    client = _client(library_worker)
    before = _header(client)
    # when
    Notification.objects.create(user=library_worker, kind=NotificationKind.REPLY)
    # then
    assert "unread" not in before
    assert "unread" in _header(client)


def test_the_sign_out_form_carries_the_requests_own_token(library_worker):
    # given
    client = _client(library_worker)
    _header(client)
    # when
    html = _header(client)
    # then: a real token, valid for this client's CSRF cookie
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)
    assert tokens
    assert all(len(token) == 64 for token in tokens)
    client.handler.enforce_csrf_checks = True
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302

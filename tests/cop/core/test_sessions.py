"""Sessions read with a prepared query answer as Django's database engine does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cop.core.sessions import SessionStore
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_stored_session_reads_back_as_with_the_database_engine():
    # given
    store = SessionStore()
    store["answer"] = 42
    store.save()
    # when
    prepared = SessionStore(session_key=store.session_key).load()
    plain = DatabaseSessionStore(session_key=store.session_key).load()
    # then
    assert prepared == plain == {"answer": 42}


def test_an_expired_or_unknown_session_is_empty_and_loses_its_key():
    # given
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    # when
    expired = SessionStore(session_key=store.session_key)
    unknown = SessionStore(session_key="x" * 32)
    # then
    assert expired.load() == {}
    assert expired.session_key is None
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_a_signed_in_member_stays_signed_in_and_signing_out_ends_the_session():
    # given
    client = Client()
    client.force_login(UserFactory())
    key = client.cookies["sessionid"].value
    assert client.get("/members/me/").status_code == 200
    # when
    client.post("/accounts/logout/")
    # then
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/members/me/").status_code == 302

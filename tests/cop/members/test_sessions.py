"""cop's sessions: they answer as Django's database engine does, name their member,
and a signed-in request reads session, member and facts in one statement."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cop.members import backends
from cop.members.backends import MemberBackend
from cop.members.models import MemberSession
from cop.members.sessions import SessionStore
from tests.factories import UserFactory

copy_sessions = import_module(
    "cop.members.migrations.0008_member_sessions"
).copy_sessions

pytestmark = pytest.mark.django_db


def test_a_stored_session_reads_back_as_with_the_database_engine():
    # given
    store = SessionStore()
    store["answer"] = 42
    store.save()
    # when
    prepared = SessionStore(session_key=store.session_key).load()
    # then
    assert prepared == {"answer": 42}
    assert MemberSession.objects.get(session_key=store.session_key).user_id is None


def test_an_expired_or_unknown_session_is_empty_and_loses_its_key():
    # given
    store = SessionStore()
    store["answer"] = 42
    store.save()
    MemberSession.objects.filter(session_key=store.session_key).update(
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
    assert not MemberSession.objects.filter(session_key=key).exists()
    assert client.get("/members/me/").status_code == 302


def test_a_signed_in_session_names_its_member_and_reads_as_one_statement():
    # given
    member = UserFactory()
    client = Client()
    client.force_login(member)
    key = client.cookies["sessionid"].value
    # when
    with CaptureQueriesContext(connection) as queries:
        data = SessionStore(session_key=key).load()
    # then
    assert MemberSession.objects.get(session_key=key).user_id == member.pk
    assert data[SESSION_KEY] == str(member.pk)
    assert len(queries) == 1
    assert '"members_session"' in queries[0]["sql"]


def test_the_member_read_with_the_session_serves_that_member_only_and_once():
    # given
    member, other = UserFactory(), UserFactory()
    client = Client()
    client.force_login(member)
    SessionStore(session_key=client.cookies["sessionid"].value).load()
    # when
    with CaptureQueriesContext(connection) as someone_else:
        assert MemberBackend().get_user(other.pk).pk == other.pk
    SessionStore(session_key=client.cookies["sessionid"].value).load()
    with CaptureQueriesContext(connection) as handed:
        assert MemberBackend().get_user(member.pk).pk == member.pk
    with CaptureQueriesContext(connection) as again:
        assert MemberBackend().get_user(member.pk).pk == member.pk
    # then
    assert len(someone_else) == 1
    assert len(handed) == 0
    assert len(again) == 1


def test_a_session_of_a_suspended_member_signs_nobody_in():
    # given
    member = UserFactory()
    client = Client()
    client.force_login(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    # when
    response = client.get("/members/me/")
    # then
    assert response.status_code == 302
    assert backends._handoff.get() is None


def test_deleting_a_member_deletes_their_sessions():
    member = UserFactory()
    client = Client()
    client.force_login(member)

    member.delete()

    assert not MemberSession.objects.exists()


def test_the_update_copies_valid_sessions_with_their_member():
    # given: sessions of Django's own table, as before the update
    member = UserFactory()
    signed_in = DatabaseSessionStore()
    signed_in[SESSION_KEY] = str(member.pk)
    signed_in.create()
    anonymous = DatabaseSessionStore()
    anonymous["answer"] = 42
    anonymous.create()
    expired = DatabaseSessionStore()
    expired[SESSION_KEY] = str(member.pk)
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    # when
    copy_sessions(apps, None)
    # then
    copied = dict(MemberSession.objects.values_list("session_key", "user_id"))
    assert copied == {signed_in.session_key: member.pk, anonymous.session_key: None}
    assert SessionStore(session_key=signed_in.session_key).load()[SESSION_KEY] == str(
        member.pk
    )

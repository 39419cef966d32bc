"""The data export: asked for after re-authentication, built by a task, one member's link."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cop.members.models import Membership
from cop.privacy.models import DataExport
from cop.privacy.selectors import data_export_list
from cop.privacy.services.erasure import member_erase
from cop.privacy.services.export import (
    data_export_build,
    data_export_request,
    export_path,
)
from discussions.models import HelpfulMark, PostRevision, Subscription
from tests.cop.privacy.rights.support import signed_in
from tests.factories import MembershipFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/members/export/"


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def member():
    user = UserFactory(email="reader@example.org", display_name="Fern Reader")
    post = PostFactory(author=user, body="What does the vendor keep?")
    PostRevision.objects.create(
        post=post, number=1, body="First wording", edited_by=user
    )
    HelpfulMark.objects.create(post=PostFactory(), user=user)
    Subscription.objects.create(user=user, level="watching", topic=post.topic)
    MembershipFactory(user=user, status=Membership.Status.VERIFIED)
    return user


def _request_export(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL)
    assert response.status_code == 302
    return DataExport.objects.get()


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_data_export_url_is_the_documented_one():
    assert reverse("data_export") == URL


def test_data_export_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response["Location"].startswith(reverse("account_login"))


def test_data_export_without_recent_sign_in_asks_for_the_password(client, member):
    client.force_login(member)
    response = client.post(URL)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not DataExport.objects.exists()


def test_data_export_builds_a_zip_of_every_part(
    client, member, django_capture_on_commit_callbacks
):
    # given
    signed_in(client, member)
    # when
    export = _request_export(client, django_capture_on_commit_callbacks)
    # then: the member is told by e-mail, with no personal data in it
    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "Fern Reader" not in message.body
    assert "/members/export/" in message.body
    # the page offers the download
    page = client.get(URL).content.decode()
    (row,) = data_export_list(user=member)
    assert row.download_url in page
    response = client.get(row.download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    names = set(archive.namelist())
    assert {
        "index.json",
        "account/profile.json",
        "account/memberships.json",
        "account/sessions.json",
        "discussions/posts.json",
        "discussions/post_revisions.json",
        "discussions/helpful_marks.json",
        "discussions/follows.json",
        "discussions/notifications.json",
        "discussions/digest_settings.json",
        "discussions/flags_raised.json",
    } <= names
    profile = json.loads(archive.read("account/profile.json"))
    assert profile[0]["email"] == "reader@example.org"
    posts = json.loads(archive.read("discussions/posts.json"))
    assert [p["body"] for p in posts] == ["What does the vendor keep?"]
    revisions = json.loads(archive.read("discussions/post_revisions.json"))
    assert revisions[0]["body"] == "First wording"
    assert len(json.loads(archive.read("discussions/helpful_marks.json"))) == 1
    assert len(json.loads(archive.read("account/memberships.json"))) == 1


def test_data_export_link_tampered_or_someone_elses_is_not_found(
    client, member, django_capture_on_commit_callbacks
):
    signed_in(client, member)
    _request_export(client, django_capture_on_commit_callbacks)
    (row,) = data_export_list(user=member)
    tampered = (
        row.download_url[:-3]
        + ("aaa" if not row.download_url.endswith("aaa/") else "bbb")
        + "/"
    )
    assert client.get(tampered).status_code == 404
    other = UserFactory()
    client.force_login(other)
    response = client.get(row.download_url)
    assert response.status_code == 404
    assert "reader" not in response.content.decode()


def test_data_export_link_expired_is_not_found_and_page_says_expired(
    client, member, django_capture_on_commit_callbacks, settings
):
    signed_in(client, member)
    _request_export(client, django_capture_on_commit_callbacks)
    (row,) = data_export_list(user=member)
    days = settings.COP_RETENTION_DAYS["data_exports"]
    with time_machine.travel(timezone.now() + timedelta(days=days, minutes=1)):
        client.force_login(member)
        assert client.get(row.download_url).status_code == 404
        assert data_export_list(user=member)[0].download_url == ""


def test_data_export_build_is_idempotent(member):
    export = DataExport.objects.create(user=member)
    data_export_build(export_id=export.pk)
    data_export_build(export_id=export.pk)
    assert len(mail.outbox) == 1
    assert data_export_build(export_id=987654) is None


def test_member_erase_deletes_the_export_files(
    member, django_capture_on_commit_callbacks
):
    export = DataExport.objects.create(user=member)
    data_export_build(export_id=export.pk)
    path = export_path(token=str(export.token))
    assert path.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        member_erase(member=member, actor=member, keep_posts=True)
    assert not path.exists()


def test_data_export_request_again_while_pending_makes_no_second_export(member):
    first = data_export_request(actor=member)
    DataExport.objects.filter(pk=first.pk).update(state=DataExport.State.PENDING)
    assert data_export_request(actor=member).pk == first.pk


def test_data_export_request_after_a_stale_build_starts_afresh(member):
    stale = DataExport.objects.create(user=member)
    DataExport.objects.filter(pk=stale.pk).update(
        requested_at=timezone.now() - timedelta(hours=2)
    )
    fresh = data_export_request(actor=member)
    assert fresh.pk != stale.pk
    stale.refresh_from_db()
    assert stale.state == DataExport.State.FAILED


def test_data_export_build_on_a_full_disk_is_marked_failed(member, monkeypatch):
    export = DataExport.objects.create(user=member)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cop.privacy.services.export.zipfile.ZipFile", full_disk)
    assert data_export_build(export_id=export.pk).state == DataExport.State.FAILED
    assert mail.outbox == []

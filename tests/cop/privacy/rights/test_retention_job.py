"""The nightly retention job deletes, in batches, what the periods no longer allow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cop.core.models import AuditEvent
from cop.members.models import MemberSession, User
from cop.members.sessions import SessionStore
from cop.privacy.models import DataExport
from cop.privacy.services.export import data_export_build, export_path
from cop.privacy.services.retention import retention_enforce
from cop.privacy.tasks import retention_enforce_task
from discussions.models import DigestDelivery, Notification, NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _ago(days: float):
    return timezone.now() - timedelta(days=days)


def _notification(user, days_old: float) -> Notification:
    item = Notification.objects.create(user=user, kind=NotificationKind.REPLY)
    Notification.objects.filter(pk=item.pk).update(created_at=_ago(days_old))
    return item


def test_retention_enforce_deletes_only_what_is_past_its_period(settings):
    # given: one record just past and one just within each period
    settings.COP_RETENTION_DAYS = {**settings.COP_RETENTION_DAYS, "notifications": 90}
    member = UserFactory()
    EmailAddress.objects.create(
        user=member, email=member.email, verified=True, primary=True
    )
    old, recent = _notification(member, 91), _notification(member, 89)
    DigestDelivery.objects.create(
        user=member, period_start=_ago(200), period_end=_ago(199)
    )
    kept_delivery = DigestDelivery.objects.create(
        user=member, period_start=_ago(2), period_end=_ago(1)
    )
    target = ContentType.objects.get_for_model(User)
    old_audit = AuditEvent.objects.create(action="x", target_type=target, target_id="1")
    AuditEvent.objects.filter(pk=old_audit.pk).update(created_at=_ago(731))
    unconfirmed = UserFactory(date_joined=_ago(8))
    fresh_unconfirmed = UserFactory(date_joined=_ago(1))
    staff = UserFactory(date_joined=_ago(30), is_staff=True)
    session = SessionStore()
    session.create()
    MemberSession.objects.filter(session_key=session.session_key).update(
        expire_date=_ago(1)
    )
    export = DataExport.objects.create(user=member)
    data_export_build(export_id=export.pk)
    DataExport.objects.filter(pk=export.pk).update(ready_at=_ago(8))
    # when
    deleted = retention_enforce()
    # then
    assert deleted["notifications"] == 1
    assert list(Notification.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not Notification.objects.filter(pk=old.pk).exists()
    assert list(DigestDelivery.objects.values_list("pk", flat=True)) == [
        kept_delivery.pk
    ]
    assert not AuditEvent.objects.filter(pk=old_audit.pk).exists()
    assert not User.objects.filter(pk=unconfirmed.pk).exists()
    assert (
        User.objects.filter(pk__in=[fresh_unconfirmed.pk, staff.pk, member.pk]).count()
        == 3
    )
    assert not MemberSession.objects.filter(session_key=session.session_key).exists()
    assert not DataExport.objects.filter(pk=export.pk).exists()
    # and a second run finds nothing more
    assert set(retention_enforce().values()) == {0}


def test_retention_enforce_removes_the_export_file_after_commit(
    django_capture_on_commit_callbacks,
):
    member = UserFactory()
    export = DataExport.objects.create(user=member)
    data_export_build(export_id=export.pk)
    DataExport.objects.filter(pk=export.pk).update(ready_at=_ago(30))
    path = export_path(token=str(export.token))
    with django_capture_on_commit_callbacks(execute=True):
        retention_enforce()
    assert not path.exists()


def test_retention_enforce_task_runs_again_while_batches_are_full(monkeypatch):
    # given: 5 old notifications and a batch size of 2
    member = UserFactory()
    for _ in range(5):
        _notification(member, 400)
    monkeypatch.setattr("cop.privacy.services.retention.BATCH_SIZE", 2)
    # when: the eager task re-enqueues itself until a batch is not full
    retention_enforce_task.delay()
    # then
    assert not Notification.objects.exists()


def test_retention_enforce_records_purged_accounts_in_the_erasure_ledger(
    settings, django_capture_on_commit_callbacks
):
    # given
    unconfirmed = UserFactory(date_joined=_ago(8))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        retention_enforce()
    # then: recorded by ID and creation time only, so a restore does not revive it
    from cop.privacy.models import Erasure

    erasure = Erasure.objects.get(user_id=unconfirmed.pk)
    assert erasure.requested_by == Erasure.Requester.RETENTION
    assert erasure.joined_at == unconfirmed.date_joined
    ledger = settings.COP_ERASURE_LEDGER.read_text()
    assert f'"user_id": {unconfirmed.pk}' in ledger
    assert unconfirmed.email not in ledger

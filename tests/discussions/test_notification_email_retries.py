"""Instant e-mails against a failing mail server: backoff, deadline, bounces, lost workers."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail as outbox
from django.core.mail.backends import locmem

from discussions import services
from discussions.mail import TransientMailError
from discussions.models import (
    DigestDelivery,
    DiscussionSettings,
    EmailState,
    Notification,
    NotificationKind,
)
from discussions.services import digests
from discussions.services.notifications.emails import SENDING_MARGIN
from discussions.tasks.notifications import send_notification_email_task
from tests.discussions.digest_helpers import IN_PERIOD, PERIOD_START, SLOT, follow
from tests.factories import (
    PostFactory,
    TopicFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 9, tzinfo=UTC)


class _Server(locmem.EmailBackend):
    """A mail server answering the queued SMTP errors, then accepting (locmem outbox)."""

    answers: list[BaseException] = []

    def send_messages(self, messages: Any) -> int:
        if type(self).answers:
            raise type(self).answers.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def server(settings: Any) -> type[_Server]:
    settings.EMAIL_BACKEND = f"{__name__}._Server"
    settings.COP_EMAIL_RETRY_BASE_SECONDS = 60
    settings.COP_EMAIL_RETRY_MAX_SECONDS = 3600
    settings.COP_EMAIL_RETRY_DEADLINE_HOURS = 24
    _Server.answers = []
    return _Server


def _busy(address: str = "x@example.org") -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (451, b"4.3.0 Try again later")})


def _no_such_user(address: str) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 No such mailbox")})


def _member(**prefs: Any) -> Any:
    user = UserFactory()
    VerifiedEmailAddressFactory(user=user)
    DiscussionSettings.objects.create(user=user, email_notifications=True, **prefs)
    return user


def _pending(user: Any, space: Any) -> Notification:
    topic = TopicFactory(space=space)
    return Notification.objects.create(
        user=user,
        kind=NotificationKind.REPLY,
        topic=topic,
        post=PostFactory(topic=topic),
        email_state=EmailState.PENDING,
    )


def _send(row: Notification) -> str:
    return services.notification_email_send(notification_id=row.pk)


# ----------------------------------------------------------------- 451: backoff


def test_notification_email_send_451_keeps_row_queued_with_a_later_next_attempt(
    public_space, server, django_capture_on_commit_callbacks
):
    # given
    with time_machine.travel(NOW, tick=False):
        row = _pending(_member(), public_space)
        server.answers = [_busy()]
        # when
        with (
            mock.patch.object(send_notification_email_task, "apply_async") as enqueue,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert _send(row) == "retry"
    # then: back in the queue, due between half the base and the base from now
    row.refresh_from_db()
    assert row.email_state == EmailState.PENDING
    assert row.email_attempts == 1
    assert "451" in row.email_error
    assert NOW + timedelta(seconds=30) <= row.email_next_attempt_at
    assert row.email_next_attempt_at <= NOW + timedelta(seconds=60)
    assert outbox.outbox == []
    # and the retry is handed to the broker for that time, not sooner
    wait = (row.email_next_attempt_at - NOW).total_seconds()
    enqueue.assert_called_once()
    assert enqueue.call_args.kwargs["countdown"] >= wait


def test_notification_email_send_before_the_next_attempt_time_does_nothing(
    public_space, server
):
    with time_machine.travel(NOW, tick=False):
        row = _pending(_member(), public_space)
        server.answers = [_busy()]
        _send(row)
    row.refresh_from_db()
    # a redelivered or early task is refused by the claim
    with time_machine.travel(row.email_next_attempt_at - timedelta(seconds=1)):
        assert _send(row) == "not claimed"
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 0
    # once due, the sweeper re-enqueues it and it is sent, once
    with time_machine.travel(row.email_next_attempt_at + timedelta(seconds=1)):
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 1
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 0
    row.refresh_from_db()
    assert (row.email_state, row.email_attempts, row.email_error) == ("sent", 2, "")
    assert row.email_next_attempt_at is None
    assert len(outbox.outbox) == 1


def test_notification_email_outage_backs_off_over_hours_and_fails_only_at_deadline(
    public_space, server
):
    # given: a mail server answering 451 for ever
    with time_machine.travel(NOW, tick=False):
        row = _pending(_member(), public_space)
    server.answers = [_busy() for _ in range(1000)]
    now, waits, state = NOW, [], "retry"
    # when: each attempt runs when it is due
    while state == "retry":
        with time_machine.travel(now, tick=False):
            state = _send(row)
        row.refresh_from_db()
        if state == "retry":
            waits.append(row.email_next_attempt_at - now)
            now = row.email_next_attempt_at
    # then: the waits grow to the hour, the e-mail is kept a full day, then failed
    assert state == "failed"
    assert waits[0] <= timedelta(minutes=1)
    assert max(waits) <= timedelta(hours=1)
    assert timedelta(minutes=30) <= waits[-2]
    assert 15 <= len(waits) <= 60
    assert now == NOW + timedelta(hours=24)  # the last attempt falls on the deadline
    assert row.email_state == EmailState.FAILED
    assert row.email_error.startswith("gave up after 24 h of transient failures")
    assert outbox.outbox == []


def test_notification_email_deadline_setting_shortens_the_queue(
    public_space, server, settings
):
    # given: a row queued two hours ago, a deadline of one hour
    settings.COP_EMAIL_RETRY_DEADLINE_HOURS = 1
    server.answers = [ConnectionRefusedError("no mail server")]
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        row = _pending(_member(), public_space)
    # when
    with time_machine.travel(NOW, tick=False):
        assert _send(row) == "failed"
    # then
    row.refresh_from_db()
    assert row.email_state == EmailState.FAILED
    assert "gave up after 1 h" in row.email_error


def test_send_notification_email_task_with_451_returns_without_celery_retry(
    public_space, server
):
    row = _pending(_member(), public_space)
    server.answers = [_busy()]
    # eager mode: a Celery retry would raise Retry here
    send_notification_email_task.delay(row.pk).get()
    row.refresh_from_db()
    assert row.email_state == EmailState.PENDING
    assert row.email_next_attempt_at is not None


# ----------------------------------------------------------------- 550: bounces


def test_notification_email_550_records_bounce_and_third_marks_address_bouncing(
    public_space, server
):
    # given
    member = _member()
    rows = [_pending(member, public_space) for _ in range(4)]
    server.answers = [_no_such_user(member.email) for _ in range(3)]
    # when: three e-mails are refused for good
    with time_machine.travel(NOW, tick=False):
        states = [_send(row) for row in rows[:3]]
    # then
    assert states == ["failed"] * 3
    prefs = DiscussionSettings.objects.get(user=member)
    assert (prefs.bounce_count, prefs.bouncing_since) == (3, NOW)
    assert all(
        "550" in row.email_error
        for row in Notification.objects.filter(user=member, email_state="failed")
    )
    # and nothing more is sent to the address, by either path
    assert _send(rows[3]) == "skipped"
    assert outbox.outbox == []


def test_instant_and_digest_refusals_share_one_bounce_count(public_space, server):
    # given: a member with instant e-mails and a due digest
    member = _member(next_digest_at=SLOT)
    follow(member, space=public_space)
    topic = TopicFactory(space=public_space)
    type(topic).objects.filter(pk=topic.pk).update(created_at=IN_PERIOD)
    rows = [_pending(member, public_space) for _ in range(2)]
    server.answers = [_no_such_user(member.email) for _ in range(3)]
    # when: two instant e-mails and one digest are refused with 550
    with time_machine.travel(SLOT + timedelta(minutes=5), tick=False):
        assert [_send(row) for row in rows] == ["failed", "failed"]
        after_instant = DiscussionSettings.objects.get(user=member)
        state = digests.digest_send(
            user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
        )
    # then: the instant path counted exactly as the digest path counts, together
    assert after_instant.bounce_count == 2
    assert after_instant.bouncing_since is None
    assert state == "failed"
    prefs = DiscussionSettings.objects.get(user=member)
    assert prefs.bounce_count == 3
    assert prefs.bouncing_since == SLOT + timedelta(minutes=5)
    assert DigestDelivery.objects.get(user=member).state == "failed"


def test_notification_email_delivered_resets_the_shared_bounce_count(
    public_space, server
):
    member = _member(bounce_count=2)
    assert _send(_pending(member, public_space)) == "sent"
    assert DiscussionSettings.objects.get(user=member).bounce_count == 0


def test_notification_email_451_and_session_errors_are_not_bounces(
    public_space, server
):
    member = _member()
    server.answers = [
        _busy(member.email),
        smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"),
    ]
    with time_machine.travel(NOW, tick=False):
        assert _send(_pending(member, public_space)) == "retry"
        assert _send(_pending(member, public_space)) == "retry"
    assert DiscussionSettings.objects.get(user=member).bounce_count == 0


# ----------------------------------------------------------------- lost workers


def test_notification_sending_timeout_is_the_task_time_limit_plus_a_margin():
    timeout = services.notification_sending_timeout()
    assert send_notification_email_task.time_limit is not None
    assert timeout == timedelta(seconds=send_notification_email_task.time_limit) + (
        SENDING_MARGIN
    )
    assert timeout <= timedelta(minutes=3)


def test_notification_outbox_sweep_takes_over_a_sending_row_after_the_timeout(
    public_space, server
):
    # given: a worker claimed the row, then was stopped mid-send
    row = _pending(_member(), public_space)
    timeout = services.notification_sending_timeout()
    with time_machine.travel(NOW, tick=False):
        Notification.objects.filter(pk=row.pk).update(
            email_state=EmailState.SENDING, email_attempts=1, emailed_at=NOW
        )
    # when / then: within the task's time limit the claim is respected
    with time_machine.travel(NOW + timeout - timedelta(seconds=1), tick=False):
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 0
    row.refresh_from_db()
    assert row.email_state == EmailState.SENDING
    # and right after it the sweeper takes the row over and sends it, once
    with time_machine.travel(NOW + timeout + timedelta(seconds=1), tick=False):
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 1
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT
    assert len(outbox.outbox) == 1


def test_notification_outbox_sweep_backs_off_a_row_that_keeps_losing_workers(
    public_space, server
):
    row = _pending(_member(), public_space)
    timeout = services.notification_sending_timeout()
    Notification.objects.filter(pk=row.pk).update(
        email_state=EmailState.SENDING, email_attempts=3, emailed_at=NOW
    )
    with time_machine.travel(NOW + timeout + timedelta(seconds=1), tick=False):
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 0
    row.refresh_from_db()
    assert row.email_state == EmailState.PENDING
    # the third loss waits as a second transient failure would (base 60 s doubled)
    wait = row.email_next_attempt_at - (NOW + timeout + timedelta(seconds=1))
    assert timedelta(seconds=60) <= wait <= timedelta(seconds=120)


def test_notification_outbox_sweep_gives_up_a_lost_row_past_the_deadline(
    public_space, server
):
    with time_machine.travel(NOW - timedelta(hours=25), tick=False):
        row = _pending(_member(), public_space)
    Notification.objects.filter(pk=row.pk).update(
        email_state=EmailState.SENDING, email_attempts=9, emailed_at=NOW
    )
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert services.notification_outbox_sweep(min_age=timedelta(0)) == 0
    row.refresh_from_db()
    assert row.email_state == EmailState.FAILED
    assert "worker stopped" in row.email_error


# ----------------------------------------------------------------- digests share the deadline


def _digest_reader(space: Any) -> Any:
    member = _member(next_digest_at=SLOT)
    follow(member, space=space)
    topic = TopicFactory(space=space)
    type(topic).objects.filter(pk=topic.pk).update(created_at=IN_PERIOD)
    return member


def test_digest_transient_failure_stays_queued_until_the_shared_deadline(
    public_space, server
):
    # given: a digest already tried many times, its period ended 23 hours ago
    member = _digest_reader(public_space)
    DigestDelivery.objects.create(
        user=member, period_start=PERIOD_START, period_end=SLOT, attempts=20
    )
    server.answers = [_busy(member.email)]
    # when / then: still retried (no attempt cap), the claim given back
    with (
        time_machine.travel(SLOT + timedelta(hours=23), tick=False),
        pytest.raises(TransientMailError),
    ):
        digests.digest_send(
            user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
        )
    delivery = DigestDelivery.objects.get(user=member)
    assert (delivery.state, delivery.claimed_at) == ("claimed", None)


def test_digest_transient_failure_past_the_shared_deadline_is_failed(
    public_space, server
):
    member = _digest_reader(public_space)
    server.answers = [_busy(member.email)]
    with time_machine.travel(SLOT + timedelta(hours=24, minutes=5), tick=False):
        state = digests.digest_send(
            user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
        )
    assert state == "failed"
    assert DigestDelivery.objects.get(user=member).state == "failed"
    # a transient failure is no bounce
    assert DiscussionSettings.objects.get(user=member).bounce_count == 0

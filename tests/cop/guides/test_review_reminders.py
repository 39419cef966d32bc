"""The beat job that e-mails moderators the guides due for review, once per period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail

from cop.guides.models import GuideIndexPage, GuidePage, GuideReviewReminder
from cop.guides.selectors import guide_review_due_on
from cop.guides.tasks import guide_review_reminders_task
from tests.cop.guides.conftest import guide_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)
NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
def test_moderators_get_one_mail_listing_overdue_guides_once_per_period(
    reference: None,
    guide_index: GuideIndexPage,
    moderator_a: Any,
    moderator_b: Any,
    settings: Any,
) -> None:
    # given: one guide overdue, one fresh, and a member who is no moderator
    settings.COP_GUIDES_REVIEW_MONTHS = 12
    UserFactory(email="member@library.example")
    guide_make(guide_index, 1, last_reviewed_on=dt.date(2025, 11, 20))
    guide_make(guide_index, 2, last_reviewed_on=dt.date(2026, 6, 1))
    # when
    result = guide_review_reminders_task.delay().get()
    # then
    assert result == {"recorded": 1, "notified": 1, "sent": 1}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ana@cop.example",
        "ben@cop.example",
    ]
    message = mail.outbox[0]
    assert message.subject == "cop: 1 guide is due for review"
    assert "Guide 1 (last reviewed on 20 November 2025)" in message.body
    assert "Guide 2" not in message.body
    assert "/admin/pages/" in message.body
    # a second run the same day, or the next day, sends nothing more
    assert guide_review_reminders_task.delay().get() == {
        "recorded": 0,
        "notified": 0,
        "sent": 0,
    }
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert guide_review_reminders_task.delay().get() == {
            "recorded": 0,
            "notified": 0,
            "sent": 0,
        }
    assert len(mail.outbox) == 2
    assert GuideReviewReminder.objects.get().due_on == dt.date(2026, 11, 20)


def test_a_guide_still_unreviewed_a_period_later_is_reported_again(
    reference: None, guide_index: GuideIndexPage, moderator_a: Any, settings: Any
) -> None:
    settings.COP_GUIDES_REVIEW_MONTHS = 6
    guide_make(guide_index, 1, last_reviewed_on=dt.date(2026, 1, 31))
    with time_machine.travel(NOON, tick=False):
        guide_review_reminders_task.delay().get()
    with time_machine.travel(NOON + dt.timedelta(days=200), tick=False):
        assert guide_review_reminders_task.delay().get() == {
            "recorded": 1,
            "notified": 1,
            "sent": 1,
        }
    assert list(
        GuideReviewReminder.objects.order_by("due_on").values_list("due_on", flat=True)
    ) == [dt.date(2026, 7, 31), dt.date(2027, 1, 31)]
    assert len(mail.outbox) == 2


@time_machine.travel(NOON, tick=False)
def test_a_failed_send_is_retried_by_the_next_run(
    reference: None,
    guide_index: GuideIndexPage,
    moderator_a: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import smtplib

    from cop.guides import services_reviews

    guide_make(guide_index, 1, last_reviewed_on=dt.date(2024, 1, 1))

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr(services_reviews, "send_mass_mail", refuse)
    assert guide_review_reminders_task.delay().get() == {
        "recorded": 1,
        "notified": 1,
        "sent": 0,
    }
    assert GuideReviewReminder.objects.get().sent_at is None
    monkeypatch.undo()
    assert guide_review_reminders_task.delay().get() == {
        "recorded": 0,
        "notified": 0,
        "sent": 1,
    }
    assert len(mail.outbox) == 1


@time_machine.travel(NOON, tick=False)
def test_a_guide_reviewed_before_the_mail_goes_out_is_not_reported(
    reference: None, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    from cop.guides.services_reviews import (
        guide_review_reminders_record,
        guide_review_reminders_send,
    )

    guide = guide_make(guide_index, 1, last_reviewed_on=dt.date(2024, 1, 1))
    assert guide_review_reminders_record() == 1
    GuidePage.objects.filter(pk=guide.pk).update(last_reviewed_on=TODAY)
    assert guide_review_reminders_send() == 0
    assert mail.outbox == []


def test_due_on_counts_whole_periods_from_the_last_review(db: Any) -> None:
    guide = GuidePage(title="x", last_reviewed_on=dt.date(2025, 1, 31))
    assert guide_review_due_on(
        guide=guide, months=12, today=dt.date(2026, 2, 1)
    ) == dt.date(2026, 1, 31)
    assert guide_review_due_on(
        guide=guide, months=1, today=dt.date(2025, 3, 30)
    ) == dt.date(2025, 2, 28)
    never = GuidePage(
        title="y",
        last_reviewed_on=None,
        first_published_at=dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC),
    )
    assert guide_review_due_on(
        guide=never, months=12, today=dt.date(2026, 3, 11)
    ) == dt.date(2026, 3, 10)


def test_beat_schedule_runs_the_reminders_and_scheduled_publishing(
    settings: Any,
) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "cop.guides.tasks.guide_review_reminders_task" in tasks
    assert "cop.guides.tasks.publish_scheduled_pages_task" in tasks

"""Moderators are told on the site, once per guide and review period, what is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from cop.guides.models import GuideIndexPage, GuideReviewReminder
from cop.guides.tasks import guide_review_reminders_task
from discussions.models import Notification, NotificationKind
from tests.cop.guides.conftest import guide_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOON, tick=False)
def test_each_moderator_gets_one_notification_per_overdue_guide(
    client: Any,
    reference: None,
    guide_index: GuideIndexPage,
    moderator_a: Any,
    moderator_b: Any,
    settings: Any,
) -> None:
    # given: two overdue guides, one fresh, and a member who is no moderator
    settings.COP_GUIDES_REVIEW_MONTHS = 12
    member = UserFactory(email="member@library.example")
    old = guide_make(guide_index, 1, last_reviewed_on=dt.date(2025, 11, 20))
    guide_make(guide_index, 2, last_reviewed_on=dt.date(2025, 10, 1))
    guide_make(guide_index, 3, last_reviewed_on=dt.date(2026, 6, 1))
    # when: the daily job runs three times (and once more the next day)
    assert guide_review_reminders_task.delay().get()["notified"] == 2
    assert guide_review_reminders_task.delay().get()["notified"] == 0
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert guide_review_reminders_task.delay().get()["notified"] == 0
    # then: one notification per moderator and guide, none for the member, no e-mail
    rows = Notification.objects.filter(kind=NotificationKind.GUIDE_REVIEW_DUE)
    assert rows.count() == 4
    assert set(rows.values_list("user__email", flat=True)) == {
        "ana@cop.example",
        "ben@cop.example",
    }
    assert not Notification.objects.filter(user=member).exists()
    assert set(rows.values_list("email_state", flat=True)) == {"none"}
    assert all(set(row.data) == {"guide", "due_on"} for row in rows)
    assert GuideReviewReminder.objects.filter(notified_at__isnull=True).count() == 0
    # and the moderator sees them in the notification list, linking to the editor
    client.force_login(moderator_a)
    html = client.get(reverse("discussions:notifications")).content.decode()
    assert "A guide has been due for review since 2026-11-20" in html
    mine = rows.get(user=moderator_a, data__guide=old.pk)
    opened = client.post(reverse("discussions:notification_open", args=[mine.pk]))
    assert opened["Location"] == reverse("wagtailadmin_pages:edit", args=[old.pk])


def test_a_guide_overdue_again_a_period_later_is_notified_again(
    reference: None, guide_index: GuideIndexPage, moderator_a: Any, settings: Any
) -> None:
    settings.COP_GUIDES_REVIEW_MONTHS = 6
    guide_make(guide_index, 1, last_reviewed_on=dt.date(2026, 1, 31))
    with time_machine.travel(NOON, tick=False):
        guide_review_reminders_task.delay().get()
    with time_machine.travel(NOON + dt.timedelta(days=200), tick=False):
        assert guide_review_reminders_task.delay().get()["notified"] == 1
    assert sorted(
        Notification.objects.filter(user=moderator_a).values_list(
            "data__due_on", flat=True
        )
    ) == ["2026-07-31", "2027-01-31"]


@time_machine.travel(NOON, tick=False)
def test_a_guide_reviewed_before_the_job_notifies_no_one(
    reference: None, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    from cop.guides.models import GuidePage
    from cop.guides.services_reviews import (
        guide_review_notifications_send,
        guide_review_reminders_record,
    )

    guide = guide_make(guide_index, 1, last_reviewed_on=dt.date(2024, 1, 1))
    assert guide_review_reminders_record() == 1
    GuidePage.objects.filter(pk=guide.pk).update(last_reviewed_on=NOON.date())
    assert guide_review_notifications_send() == 0
    assert not Notification.objects.exists()

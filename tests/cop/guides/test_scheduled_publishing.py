"""Scheduled publishing: a moderator schedules, another approves, the beat publishes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from cop.guides.models import GuideIndexPage, GuidePage
from cop.guides.tasks import publish_scheduled_pages_task
from tests.cop.guides.test_workflow import _guide_form

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@time_machine.travel(NOW, tick=True)
def test_moderator_schedules_a_guide_and_the_beat_job_publishes_and_expires_it(
    client: Any,
    guide_index: GuideIndexPage,
    moderator_a: Any,
    moderator_b: Any,
    settings: Any,
) -> None:
    # given: moderator A sets a go-live and an expiry time and submits the guide
    settings.TIME_ZONE = "UTC"
    client.force_login(moderator_a)
    url = reverse(
        "wagtailadmin_pages:add", args=["guides", "guidepage", guide_index.pk]
    )
    edit = client.get(url).content.decode()
    assert 'name="go_live_at"' in edit  # the schedule is offered to moderators
    data = _guide_form("A scheduled guide")
    data["go_live_at"] = "2026-12-10 09:00"
    data["expire_at"] = "2027-01-10 09:00"
    data["action-submit"] = "Submit for moderation"
    assert client.post(url, data).status_code == 302
    guide = GuidePage.objects.get(slug="a-new-guide")
    task_state = guide.current_workflow_state.current_task_state

    # when: moderator B approves
    client.force_login(moderator_b)
    approve = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[guide.pk, "approve", task_state.pk],
    )
    client.post(approve, {"comment": ""})

    # then: it waits for its time, not yet public
    guide.refresh_from_db()
    assert not guide.live
    revision = guide.latest_revision
    assert revision.approved_go_live_at == dt.datetime(
        2026, 12, 10, 9, 0, tzinfo=dt.UTC
    )
    publish_scheduled_pages_task.delay().get()
    guide.refresh_from_db()
    assert not guide.live
    assert client.logout() is None
    assert client.get("/guides/a-new-guide/").status_code == 404

    # when the time has come, the beat job publishes it; after expiry it unpublishes
    with time_machine.travel(dt.datetime(2026, 12, 10, 9, 5, tzinfo=dt.UTC)):
        publish_scheduled_pages_task.delay().get()
        guide.refresh_from_db()
        assert guide.live
        assert client.get("/guides/a-new-guide/").status_code == 200
        publish_scheduled_pages_task.delay().get()  # a second run changes nothing
        guide.refresh_from_db()
        assert guide.live
    with time_machine.travel(dt.datetime(2027, 1, 10, 9, 5, tzinfo=dt.UTC)):
        publish_scheduled_pages_task.delay().get()
        guide.refresh_from_db()
        assert not guide.live
        assert guide.expired

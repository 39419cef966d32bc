"""Guides due for review: the moderators' dashboard panel and "mark reviewed"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from cop.guides.models import GuideIndexPage, GuidePage
from tests.cop.guides.conftest import guide_make
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_dashboard_lists_stale_guides_and_marks_them_reviewed(
    client: Any,
    reference: None,
    guide_index: GuideIndexPage,
    moderator_a: Any,
    settings: Any,
) -> None:
    settings.COP_GUIDES_REVIEW_MONTHS = 12
    today = timezone.localdate()
    stale = guide_make(guide_index, 1, last_reviewed_on=today - dt.timedelta(days=400))
    guide_make(guide_index, 2, last_reviewed_on=today - dt.timedelta(days=30))
    revisions = stale.revisions.count()
    client.force_login(moderator_a)
    html = client.get("/admin/").content.decode()
    assert "Guides due for review" in html
    assert "Guide 1" in html
    assert "Guide 2" not in html

    response = client.post(reverse("guides_mark_reviewed", args=[stale.pk]))
    assert response.status_code == 302
    stale = GuidePage.objects.get(pk=stale.pk)
    assert stale.last_reviewed_on == today
    assert stale.reviewed_by == moderator_a
    assert stale.revisions.count() == revisions  # no content change
    assert stale.latest_revision.as_object().last_reviewed_on == today
    assert "Guides due for review" not in client.get("/admin/").content.decode()
    page = client.get("/guides/guide-1/").content.decode()
    assert "by Ana Moderator." in page


def test_only_moderators_may_mark_reviewed(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    guide = guide_make(guide_index, 1)
    client.force_login(UserFactory())
    response = client.post(reverse("guides_mark_reviewed", args=[guide.pk]))
    assert response.status_code in (403, 404)
    assert GuidePage.objects.get(pk=guide.pk).last_reviewed_on is None

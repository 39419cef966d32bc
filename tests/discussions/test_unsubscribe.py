"""Unsubscribe links: GET shows choices and changes nothing, POST applies, bad tokens 400."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from discussions import mail
from discussions.models import DiscussionSettings, Subscription
from tests.discussions.digest_helpers import digest_member


def _url(user, scope="digest"):
    token = mail.unsubscribe_token_make(user_id=user.pk, scope=scope)
    return reverse("discussions:unsubscribe", kwargs={"token": token})


@pytest.fixture
def member(db):
    return digest_member(digest_frequency="daily", email_notifications=True)


def _prefs(user):
    return DiscussionSettings.objects.get(user=user)


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "moderator"])
def test_unsubscribe_get_shows_choices_and_changes_nothing(
    client, member, people, role
):
    if people[role] is not None:
        client.force_login(people[role])
    before = _prefs(member).updated_at
    # when
    response = client.get(_url(member))
    # then
    assert response.status_code == 200
    assert b"No more digests" in response.content
    assert b"Weekly instead of daily digests" in response.content
    prefs = _prefs(member)
    assert (prefs.digest_frequency, prefs.updated_at) == ("daily", before)


def test_unsubscribe_one_click_post_without_csrf_turns_digest_off(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(_url(member), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    prefs = _prefs(member)
    assert prefs.digest_frequency == "off"
    assert prefs.next_digest_at is None
    assert prefs.email_notifications is True  # outside the token's scope


def test_unsubscribe_one_click_all_scope_turns_every_email_off(client, member):
    client.post(_url(member, "all"), data={"List-Unsubscribe": "One-Click"})
    prefs = _prefs(member)
    assert (prefs.digest_frequency, prefs.email_notifications) == ("off", False)


def test_unsubscribe_choice_less_often_makes_daily_weekly(client, member):
    response = client.post(_url(member), data={"choice": "less"})
    assert response.status_code == 200
    assert _prefs(member).digest_frequency == "weekly"


def test_unsubscribe_choice_outside_scope_is_refused(client, member):
    response = client.post(_url(member, "digest"), data={"choice": "notifications_off"})
    assert response.status_code == 400
    assert _prefs(member).email_notifications is True


def test_unsubscribe_space_scope_mutes_only_that_space(client, member, spaces):
    space = spaces["members"]
    page = client.get(_url(member, f"space:{space.pk}"))
    assert b"Leave Members out of my digest" in page.content
    client.post(
        _url(member, f"space:{space.pk}"), data={"List-Unsubscribe": "One-Click"}
    )
    assert Subscription.objects.get(user=member, space=space).level == "muted"
    assert _prefs(member).digest_frequency == "daily"


def test_unsubscribe_tampered_token_shows_clear_page_and_changes_nothing(
    client, member
):
    url = _url(member)
    tampered = url.replace("/unsubscribe/", "/unsubscribe/x")
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    assert _prefs(member).digest_frequency == "daily"


def test_unsubscribe_expired_token_shows_clear_page_and_changes_nothing(client, member):
    with time_machine.travel(timezone.now() - timedelta(days=61), tick=False):
        url = _url(member)
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert b"too old" in response.content
    assert _prefs(member).digest_frequency == "daily"


def test_unsubscribe_token_of_deleted_member_is_clear_page(client, member):
    url = _url(member)
    member.delete()
    assert client.post(url).status_code == 400


def test_unsubscribe_member_without_settings_row_gets_one_turned_off(client, db):
    from tests.factories import UserFactory

    user = UserFactory()
    client.post(_url(user), data={"List-Unsubscribe": "One-Click"})
    assert _prefs(user).digest_frequency == "off"

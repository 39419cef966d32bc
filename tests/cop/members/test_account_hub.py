"""The account page at /members/me/: every setting of a member in one place."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from discussions.models import DiscussionSettings, Subscription
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("members:account")


def test_account_hub_for_anonymous_asks_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_hub_links_every_setting_of_the_member(client):
    # given: a member with two addresses, a follow, e-mails on and a digest zone
    user = UserFactory(email="ana@riverside.example", display_name="Ana R")
    EmailAddress.objects.create(
        user=user, email="ana@riverside.example", primary=True, verified=True
    )
    EmailAddress.objects.create(
        user=user, email="ana@home.example", primary=False, verified=False
    )
    Subscription.objects.create(user=user, space=SpaceFactory(), level="watching")
    DiscussionSettings.objects.create(
        user=user,
        email_notifications=True,
        time_zone="Europe/Lisbon",
        reading_history=True,
    )
    client.force_login(user)

    # when
    response = client.get(URL)

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Your account · " in html
    assert "Other members see you as <strong>Ana R</strong>" in html
    assert 'ana@riverside.example <span class="badge">primary</span>' in html
    assert "ana@home.example" in html
    assert "not verified" in html
    assert "You follow 1 space, topic, tag, vendor or product." in html
    assert "On: an e-mail for each notification." in html
    assert "time zone Europe/Lisbon" in html
    assert "On: unread replies are marked." in html
    for name in (
        "members:profile_edit",
        "account_email",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "discussions:notification_settings",
        "discussions:reading_settings",
        "data_export",
        "account_delete",
    ):
        assert f'href="{reverse(name)}"' in html, name


def test_account_hub_defaults_for_a_new_member(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(URL).content.decode()
    assert "Off: notifications appear on the site only." in html
    assert "Off: nothing about what you read is kept." in html
    assert "time zone UTC" in html


def test_account_hub_query_count_does_not_grow_with_follows(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    client.force_login(user)
    client.get(URL)
    for _ in range(5):
        Subscription.objects.create(user=user, space=SpaceFactory(), level="normal")
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert "You follow 5 spaces" in response.content.decode()

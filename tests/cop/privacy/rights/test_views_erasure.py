"""The account deletion page and the moderators' erasure page, as members use them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cop.members.models import User
from discussions.models import Post
from tests.cop.privacy.rights.support import signed_in
from tests.factories import PostFactory, UserFactory
from tests.roles import moderator  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"


def test_account_delete_url_is_the_documented_one():
    assert reverse("account_delete") == URL


def test_account_delete_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_account_delete_without_recent_sign_in_asks_for_the_password(client):
    member = UserFactory()
    client.force_login(member)
    for response in (
        client.get(URL),
        client.post(URL, {"posts": "keep", "confirm": "on"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=member.pk).exists()


def test_account_delete_without_confirmation_keeps_the_account(client):
    member = UserFactory()
    signed_in(client, member)
    response = client.post(URL, {"posts": "keep"})
    assert response.status_code == 200
    assert "Tick the box to confirm." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_account_delete_keeping_posts_signs_out_and_deletes(client):
    # given
    member = UserFactory(display_name="Quiet Owl")
    post = PostFactory(author=member)
    signed_in(client, member)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Former member" in page.content.decode()
    # when
    response = client.post(URL, {"posts": "keep", "confirm": "on"})
    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert Post.objects.get(pk=post.pk).author_id is None
    profile = client.get(reverse("members:profile_edit"))
    assert profile["Location"].startswith(reverse("account_login"))
    topic_page = client.get(post.topic.get_absolute_url())
    assert "Quiet Owl" not in topic_page.content.decode()


def test_account_delete_ends_the_members_other_sessions(client, django_user_model):
    from django.test import Client

    member = UserFactory()
    other_device = Client()
    other_device.force_login(member)
    other_device.get(reverse("members:profile_edit"))  # recorded as a session
    signed_in(client, member)
    client.post(URL, {"posts": "delete", "confirm": "on"})
    response = other_device.get(reverse("members:profile_edit"))
    assert response["Location"].startswith(reverse("account_login"))


def test_member_erase_by_moderator_with_reason(client, moderator):  # noqa: F811
    member = UserFactory()
    url = reverse("member_erase", kwargs={"user_id": member.pk})
    signed_in(client, moderator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"posts": "keep", "confirm": "on", "reason": ""})
    assert "Give the reason." in response.content.decode()
    response = client.post(
        url, {"posts": "keep", "confirm": "on", "reason": "Ticket 7"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


def test_member_erase_by_member_is_not_found(client):
    member, target = UserFactory(), UserFactory()
    signed_in(client, member)
    url = reverse("member_erase", kwargs={"user_id": target.pk})
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"posts": "keep", "confirm": "on", "reason": "x"}).status_code
        == 404
    )
    assert User.objects.filter(pk=target.pk).exists()

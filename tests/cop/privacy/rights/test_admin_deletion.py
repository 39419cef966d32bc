"""Every admin path that deletes an account leads to the erasure instead."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cop.members.models import User
from cop.privacy.models import Erasure
from tests.cop.privacy.rights.support import signed_in
from tests.factories import PostFactory, UserFactory
from tests.roles import admin, moderator  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize("method", ["get", "post"])
def test_wagtail_user_delete_sends_admin_to_the_erasure(client, admin, method):  # noqa: F811
    # given
    member = UserFactory()
    client.force_login(admin)
    url = reverse("wagtailusers_users:delete", args=[member.pk])
    # when
    response = getattr(client, method)(url)
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("member_erase", args=[member.pk])
    assert "deleted by erasure" in _messages(response)
    assert User.objects.filter(pk=member.pk).exists()


def test_wagtail_user_delete_then_erasure_records_the_ledger(client, admin):  # noqa: F811
    # given: the admin follows the redirect and erases on the member's request
    member = UserFactory(display_name="Lantern Keeper")
    post = PostFactory(author=member)
    signed_in(client, admin)
    erase_url = client.post(reverse("wagtailusers_users:delete", args=[member.pk]))[
        "Location"
    ]
    # when
    response = client.post(
        erase_url, {"posts": "keep", "confirm": "on", "reason": "Ticket 12"}
    )
    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert Erasure.objects.filter(user_id=member.pk, reason="Ticket 12").exists()
    post.refresh_from_db()
    assert post.author_id is None


def test_wagtail_user_delete_of_a_role_holder_is_refused(client, admin, moderator):  # noqa: F811
    client.force_login(admin)
    response = client.post(reverse("wagtailusers_users:delete", args=[moderator.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailusers_users:index")
    assert "remove its roles first" in _messages(response)
    assert User.objects.filter(pk=moderator.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_wagtail_bulk_user_delete_is_refused(client, admin, method):  # noqa: F811
    # given
    members = UserFactory.create_batch(2)
    client.force_login(admin)
    url = reverse("wagtail_bulk_action", args=["members", "user", "delete"])
    query = "?" + "&".join(f"id={m.pk}" for m in members)
    # when
    response = getattr(client, method)(url + query)
    # then
    assert response.status_code == 302
    assert "cannot be deleted in bulk" in _messages(response)
    assert User.objects.filter(pk__in=[m.pk for m in members]).count() == 2
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("who", ["admin", "moderator"])
def test_members_admin_delete_is_refused(client, request, who):
    # given: the moderators' member list offers no delete (only "Erase on request")
    actor = request.getfixturevalue(who)
    member = UserFactory()
    client.force_login(actor)
    # when
    for method in ("get", "post"):
        response = getattr(client, method)(
            reverse("members_admin:delete", args=[member.pk])
        )
        # then: Wagtail's permission denial (a redirect to the dashboard)
        assert response.status_code in (302, 403)
        assert response.get("Location", "") != reverse("members_admin:index")
    assert User.objects.filter(pk=member.pk).exists()
    listing = client.get(reverse("members_admin:index")).content.decode()
    assert reverse("members_admin:delete", args=[member.pk]) not in listing
    if who == "moderator":
        assert reverse("member_erase", args=[member.pk]) in listing

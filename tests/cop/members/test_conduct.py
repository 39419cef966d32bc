"""The versioned code of conduct: acceptance at sign-up, after a new version, safely shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cop.members.models import CodeOfConductAcceptance, CodeOfConductVersion
from cop.members.services.conduct import code_of_conduct_accept
from tests.cop.members.accounts_support import make_admin_with_mfa, publish_conduct
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conduct_version():
    return publish_conduct("1.0")


@pytest.fixture
def admin_with_mfa():
    return make_admin_with_mfa()


def test_new_version_sends_member_to_acceptance_page(client, conduct_version):
    # given: a member who accepted 1.0
    member = UserFactory()
    code_of_conduct_accept(user=member, version=conduct_version)
    client.force_login(member)
    assert client.get(reverse("members:profile_edit")).status_code == 200
    # when: moderators publish 2.0
    new = publish_conduct("2.0", body="Be kinder.", summary_of_changes="Kinder.")
    # then: the next page view asks for acceptance and comes back afterwards
    response = client.get(reverse("members:profile_edit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:conduct_accept"))
    page = client.get(response["Location"]).content.decode()
    assert "Be kinder." in page
    assert "Kinder." in page
    response = client.post(
        reverse("members:conduct_accept"),
        {"version_id": new.pk, "accept": "on", "next": reverse("members:profile_edit")},
    )
    assert response["Location"] == reverse("members:profile_edit")
    assert client.get(reverse("members:profile_edit")).status_code == 200
    versions = CodeOfConductAcceptance.objects.filter(user=member).values_list(
        "version__version", flat=True
    )
    assert sorted(versions) == ["1.0", "2.0"]


def test_acceptance_without_ticking_box_is_not_recorded(client, conduct_version):
    member = UserFactory()
    client.force_login(member)
    response = client.post(
        reverse("members:conduct_accept"), {"version_id": conduct_version.pk}
    )
    assert response.status_code == 200
    assert "Please tick the box" in response.content.decode()
    assert not CodeOfConductAcceptance.objects.filter(user=member).exists()


def test_acceptance_of_outdated_version_shows_the_newer_one(client, conduct_version):
    member = UserFactory()
    client.force_login(member)
    publish_conduct("2.0")
    response = client.post(
        reverse("members:conduct_accept"),
        {"version_id": conduct_version.pk, "accept": "on"},
    )
    assert response.status_code == 302
    assert not CodeOfConductAcceptance.objects.filter(user=member).exists()


@pytest.mark.parametrize("path", ["/healthz", "/accounts/logout/", "/accounts/email/"])
def test_pending_acceptance_leaves_exempt_pages_reachable(
    client, conduct_version, path
):
    client.force_login(UserFactory())
    response = client.get(path)
    assert not response.get("Location", "").startswith(
        reverse("members:conduct_accept")
    )


def test_pending_acceptance_does_not_block_sign_out(client, conduct_version):
    client.force_login(UserFactory())
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_anonymous_reader_is_never_asked(client, conduct_version):
    assert client.get(reverse("members:conduct_detail")).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_accept_service_is_idempotent(conduct_version):
    member = UserFactory()
    first = code_of_conduct_accept(user=member, version=conduct_version)
    second = code_of_conduct_accept(user=member, version=conduct_version)
    assert first.pk == second.pk
    assert first.accepted_at == second.accepted_at


def test_accept_service_refuses_draft_version():
    draft = CodeOfConductVersion.objects.create(
        version="3.0-draft", body="x", live=False
    )
    with pytest.raises(ValidationError):
        code_of_conduct_accept(user=UserFactory(), version=draft)


def test_conduct_body_html_is_shown_as_text(client):
    publish_conduct(
        "1.0", body="**Be kind.** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    body = client.get(reverse("members:conduct_detail")).content.decode()
    assert "<strong>Be kind.</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert 'href="javascript:' not in body


def test_conduct_page_without_published_version_is_404(client):
    assert client.get(reverse("members:conduct_detail")).status_code == 404


def test_moderator_publishes_new_version_in_admin(client, admin_with_mfa):
    # given: a site admin (a moderator by role) with MFA
    client.force_login(admin_with_mfa)
    # when: the snippet form is submitted with "Publish"
    response = client.post(
        reverse("wagtailsnippets_members_codeofconductversion:add"),
        {
            "version": "1.0",
            "body": "Be kind.",
            "summary_of_changes": "",
            "action-publish": "publish",
        },
    )
    # then: the version is live and in force
    assert response.status_code == 302
    version = CodeOfConductVersion.objects.get(version="1.0")
    assert version.live
    assert version.published_at is not None


def test_plain_member_cannot_open_conduct_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("wagtailsnippets_members_codeofconductversion:add"))
    assert response.status_code in (302, 403)
    assert not CodeOfConductVersion.objects.exists()

"""MFA: elevated roles must set up a second factor before using their rights."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from cop.members.models import Membership, Organisation
from cop.members.permissions import MODERATORS_GROUP
from tests.cop.members.accounts_support import PASSWORD, login
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)

pytestmark = pytest.mark.django_db


def _refuse(request):
    raise PermissionDenied


# A page that refuses everyone, standing in for any elevated page outside /admin/.
urlpatterns = [
    path("elevated-only/", _refuse),
    path("", include("cop.urls")),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits and used TOTP codes live in the cache


def _member(email: str):
    user = UserFactory(email=email, password=PASSWORD)
    VerifiedEmailAddressFactory(user=user, primary=True)
    return user


@pytest.fixture
def moderator():
    user = _member("mod@example.org")
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    user.groups.add(group)
    return user


def _code(secret: str, at: float | None = None) -> str:
    counter = int((at if at is not None else time.time()) // 30)
    return format_hotp_value(hotp_value(secret, counter))


def _assert_sent_to_mfa_setup(response) -> None:
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_moderator_without_mfa_is_sent_from_admin_to_setup(client, moderator):
    login(client, email="mod@example.org")
    response = client.get("/admin/")
    _assert_sent_to_mfa_setup(response)
    page = client.get(response["Location"], follow=True).content.decode()
    assert "needs two-factor authentication" in page


def test_moderator_without_mfa_is_sent_from_moderation_page_to_setup(client, moderator):
    login(client, email="mod@example.org")
    response = client.get("/admin/snippets/members/codeofconductversion/")
    _assert_sent_to_mfa_setup(response)


def test_elevated_page_refusal_without_mfa_becomes_setup_redirect(
    client, moderator, settings
):
    settings.ROOT_URLCONF = __name__
    login(client, email="mod@example.org")
    _assert_sent_to_mfa_setup(client.get("/elevated-only/"))


def test_plain_member_refused_page_stays_forbidden(client, settings):
    settings.ROOT_URLCONF = __name__
    _member("plain@example.org")
    login(client, email="plain@example.org")
    assert client.get("/elevated-only/").status_code == 403


def test_vendor_rep_without_mfa_is_sent_from_admin_to_setup(client):
    rep = _member("rep@example.org")
    vendor = OrganisationFactory(kind=Organisation.Kind.VENDOR)
    MembershipFactory(
        user=rep, organisation=vendor, role=Membership.Role.REPRESENTATIVE
    )
    login(client, email="rep@example.org")
    _assert_sent_to_mfa_setup(client.get("/admin/"))


def test_plain_member_is_never_forced_to_set_up_mfa(client):
    _member("plain@example.org")
    login(client, email="plain@example.org")
    assert client.get(reverse("members:profile_edit")).status_code == 200
    response = client.get("/admin/")
    assert "2fa" not in response.get("Location", "")
    assert client.get(reverse("mfa_index")).status_code == 200  # may still opt in


def test_moderator_activates_totp_then_login_asks_code_then_admin_works(moderator):
    # given: the moderator is sent to set up TOTP
    browser = Client()
    login(browser, email="mod@example.org")
    setup_url = browser.get("/admin/")["Location"]
    response = browser.get(setup_url)
    if response.status_code == 302:  # allauth asks for the password first
        browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        response = browser.get(setup_url)
    assert response.status_code == 200
    secret = browser.session["mfa.totp.secret"]
    # when: a code from the authenticator app is entered
    response = browser.post(setup_url, {"code": _code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=moderator, type="totp").exists()
    # then: a new login asks for the code before the admin opens
    later = timezone.now() + timedelta(seconds=60)
    with time_machine.travel(later, tick=False):
        laptop = Client()
        response = login(laptop, email="mod@example.org")
        assert response["Location"] == reverse("mfa_authenticate")
        assert laptop.get("/admin/").status_code == 302  # not signed in yet
        response = laptop.post(
            reverse("mfa_authenticate"), {"code": _code(secret, later.timestamp())}
        )
        assert response.status_code == 302
        assert laptop.get("/admin/").status_code == 200


def test_wrong_totp_code_at_login_keeps_member_signed_out(moderator):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(moderator, "JBSWY3DPEHPK3PXP")
    browser = Client()
    login(browser, email="mod@example.org")
    response = browser.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "/accounts/login/" in browser.get("/admin/")["Location"]

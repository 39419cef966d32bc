"""Accounts at the HTTP level: sign-up, verification, login, reset, e-mail change,
sessions, enumeration safety, rate limits and the absence of stored IP addresses."""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cop.members.models import CodeOfConductAcceptance, MemberSession, User
from cop.members.services.accounts import client_address_pseudonym
from tests.cop.members.accounts_support import (
    PASSWORD,
    link_in_last_mail,
    login,
    make_admin_with_mfa,
    publish_conduct,
    signup,
    without_csrf,
)
from tests.factories import UserFactory, VerifiedEmailAddressFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth keeps its rate-limit counters in the cache


@pytest.fixture
def conduct_version():
    return publish_conduct("1.0")


@pytest.fixture
def admin_with_mfa():
    return make_admin_with_mfa()


def _verified_member(email: str = "anna@example.org") -> User:
    user = UserFactory(email=email, password=PASSWORD)
    VerifiedEmailAddressFactory(user=user, primary=True)
    return user


def test_signup_then_verify_then_login_succeeds(client):
    # given: a sign-up
    response = signup(client, email="new@example.org", display_name="Newcomer")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "Newcomer"
    # then: login is refused until the address is verified
    assert login(Client(), email="new@example.org").status_code == 302
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    # when: the link in the mail is followed and confirmed
    link = urlparse(link_in_last_mail(to="new@example.org")).path
    assert client.get(link).status_code == 200
    client.post(link)
    # then: the address is verified and the member can sign in
    assert EmailAddress.objects.get(user=user).verified
    fresh = Client()
    response = login(fresh, email="new@example.org")
    assert response.status_code == 302
    assert fresh.get(reverse("members:profile_edit")).status_code == 200


def test_signup_unverified_login_is_sent_to_verification(client):
    signup(client, email="wait@example.org", display_name="Waiting")
    fresh = Client()
    response = login(fresh, email="wait@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert fresh.get(reverse("members:profile_edit")).status_code == 302


def test_signup_without_accepting_conduct_keeps_input_and_explains(client):
    response = signup(
        client, email="x@example.org", display_name="Keep Me", accept=False
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Please accept the code of conduct" in body
    assert 'value="Keep Me"' in body
    assert not User.objects.filter(email="x@example.org").exists()


def test_signup_records_acceptance_of_current_conduct(client, conduct_version):
    signup(client, email="ok@example.org", display_name="Accepting")
    acceptance = CodeOfConductAcceptance.objects.get(user__email="ok@example.org")
    assert acceptance.version == conduct_version


def test_password_reset_by_member_sets_new_password(client):
    # given
    _verified_member("reset@example.org")
    # when: reset requested and the mailed link followed
    client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    link = urlparse(link_in_last_mail(to="reset@example.org")).path
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response["Location"]
    response = client.post(
        form_url,
        {"password1": "a brand new secret 77", "password2": "a brand new secret 77"},
    )
    # then
    assert response.status_code == 302
    assert (
        login(Client(), email="reset@example.org", password="a brand new secret 77")[
            "Location"
        ]
        == "/"
    )
    assert (
        login(Client(), email="reset@example.org").status_code == 200
    )  # old one fails


def test_email_change_requires_verification_of_new_address(client):
    # given: a signed-in member
    user = _verified_member("old@example.org")
    login(client, email="old@example.org")
    # when: a new address is entered, which first asks for the password again
    change = {"action_add": "", "email": "new@example.org"}
    response = client.post(reverse("account_email"), change)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("account_email"), change)
    assert response.status_code == 302
    # then: the old one still signs in until the new one is confirmed
    user.refresh_from_db()
    assert user.email == "old@example.org"
    link = urlparse(link_in_last_mail(to="new@example.org")).path
    client.post(link)
    user.refresh_from_db()
    assert user.email == "new@example.org"
    assert list(
        EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    ) == ["new@example.org"]


def test_session_list_sign_out_others_ends_other_sessions():
    # given: the same member signed in from two browsers
    _verified_member("two@example.org")
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    login(laptop, email="two@example.org")
    login(phone, email="two@example.org")
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "Laptop" in page
    assert "Phone" in page
    # when
    laptop.post(reverse("usersessions_list"))
    # then: the phone is signed out, the laptop is not
    assert phone.get(reverse("members:profile_edit")).status_code == 302
    assert laptop.get(reverse("members:profile_edit")).status_code == 200


def test_signup_existing_and_new_address_respond_identically():
    _verified_member("taken@example.org")
    existing = signup(Client(), email="taken@example.org", display_name="Someone One")
    new = signup(Client(), email="free@example.org", display_name="Someone Two")
    assert existing.status_code == new.status_code == 302
    assert existing["Location"] == new["Location"]
    assert len(mail.outbox) == 2  # each address gets a mail; the page says the same


def test_password_reset_existing_and_unknown_address_respond_identically():
    _verified_member("known@example.org")
    url = reverse("account_reset_password")
    known = Client().post(url, {"email": "known@example.org"}, follow=True)
    unknown = Client().post(url, {"email": "unknown@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known.content.decode()) == without_csrf(
        unknown.content.decode()
    )


def test_login_wrong_password_existing_and_unknown_address_respond_identically():
    _verified_member("real@example.org")
    existing = login(Client(), email="real@example.org", password="wrong wrong 1")
    unknown = login(Client(), email="ghost@example.org", password="wrong wrong 1")
    assert existing.status_code == unknown.status_code == 200
    assert without_csrf(existing.content.decode()) == without_csrf(
        unknown.content.decode()
    ).replace("ghost@example.org", "real@example.org")


def _failed_logins_until_refused(email: str, attempts: int = 8) -> list[str]:
    pages = []
    for _ in range(attempts):
        response = login(Client(), email=email, password="not the password 0")
        pages.append(response.content.decode())
    return pages


def test_login_failed_rate_limit_refuses_after_five_attempts():
    _verified_member("target@example.org")
    pages = _failed_logins_until_refused("target@example.org")
    assert not any("Too many failed login attempts" in p for p in pages[:5])
    assert all("Too many failed login attempts" in p for p in pages[5:])
    # even the right password is refused while the limit holds
    assert login(Client(), email="target@example.org").status_code == 200


def test_rate_limit_still_triggers_when_redis_is_down(settings):
    # given: the production cache backend pointed at a closed port
    settings.CACHES = {
        "default": {
            "BACKEND": "cop.core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    _verified_member("down@example.org")
    # when / then: the per-process fallback still counts the failures
    pages = _failed_logins_until_refused("down@example.org", attempts=7)
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]


def test_no_ip_address_is_stored_anywhere():
    # given: a sign-up, verification and login from a known address
    remote = "203.0.113.77"
    client = Client(REMOTE_ADDR=remote, HTTP_USER_AGENT="Firefox")
    signup(client, email="ip@example.org", display_name="Private Person")
    client.post(urlparse(link_in_last_mail(to="ip@example.org")).path)
    login(client, email="ip@example.org")
    client.get(reverse("usersessions_list"))
    # when: every table is dumped
    out = StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    # then: the address is nowhere, not even inside session data or mails
    assert "ip@example.org" in dump  # the dump really has the member's rows
    assert remote not in dump
    for session in MemberSession.objects.all():
        assert remote not in repr(session.get_decoded())
    assert all(remote not in m.body for m in mail.outbox)


def test_client_address_pseudonym_is_stable_and_hides_address():
    first = client_address_pseudonym(address="203.0.113.77")
    assert first == client_address_pseudonym(address="203.0.113.77")
    assert first != client_address_pseudonym(address="203.0.113.78")
    assert "203.0.113.77" not in first
    assert first.startswith("fd")
    # IPv6 clients in one /64 count as one client, as allauth intends
    assert client_address_pseudonym(address="2001:db8::1") == client_address_pseudonym(
        address="2001:db8::ffff"
    )
    assert client_address_pseudonym(address="not an address") is None


def test_wagtail_admin_login_is_replaced_by_allauth_login(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_wagtail_user_form_has_no_password_fields(client, admin_with_mfa):
    member = UserFactory()
    client.force_login(admin_with_mfa)
    response = client.get(reverse("wagtailusers_users:edit", args=[member.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="password1"' not in body
    assert 'name="password2"' not in body

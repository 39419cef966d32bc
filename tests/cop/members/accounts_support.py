"""Helpers shared by the accounts, MFA, conduct and profile tests (HTTP level)."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cop.members.models import CodeOfConductVersion, User
from tests.factories import TotpAuthenticatorFactory, UserFactory

PASSWORD = "correct horse battery staple 42"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
_URL = re.compile(r"https?://[^\s]+")


def without_csrf(html: str) -> str:
    """Return ``html`` with the per-request CSRF token values blanked."""
    return _CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


def signup(
    client: Client,
    *,
    email: str,
    display_name: str,
    password: str = PASSWORD,
    accept: bool = True,
):
    """Post the sign-up form the way a browser would and return the response."""
    data = {
        "email": email,
        "password1": password,
        "password2": password,
        "display_name": display_name,
    }
    if accept:
        data["accept_code_of_conduct"] = "on"
    return client.post(reverse("account_signup"), data)


def login(client: Client, *, email: str, password: str = PASSWORD):
    """Post the login form and return the response."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in_last_mail(*, to: str) -> str:
    """Return the first link in the newest e-mail sent to ``to``."""
    for message in reversed(mail.outbox):
        if to in message.to:
            match = _URL.search(message.body)
            assert match, message.body
            return match.group(0)
    raise AssertionError(f"no mail to {to}")


def publish_conduct(
    version: str, body: str = "Be kind.", **extra
) -> CodeOfConductVersion:
    """Create a live code-of-conduct version, as the admin's Publish button would."""
    return CodeOfConductVersion.objects.create(
        version=version,
        body=body,
        live=True,
        first_published_at=timezone.now(),
        **extra,
    )


def make_admin_with_mfa() -> User:
    """Return a superuser with a TOTP authenticator (so their rights apply)."""
    user = UserFactory(is_superuser=True, is_staff=True)
    TotpAuthenticatorFactory(user=user)
    return user

"""Demo content for ``manage.py seed_demo``: the seeder registry and shared helpers.

Site-wide apps never import ``vendors`` or ``discussions``, so each app registers its
own *seeder* in ``AppConfig.ready()``::

    from cop.core.seeding import seeders

    seeders.register("vendors", seed_vendors, order=SEED_ORDER_VENDORS)

A seeder is a callable ``(*, scale: str, stdout) -> dict[str, int] | None``. It creates
or updates its app's demo rows and returns ``{"what": count}`` for the summary.
``seed_demo`` runs the seeders by ``order`` (members, vendors, guides, discussions),
each inside its own transaction, so a later seeder may rely on the rows of an earlier
one (look them up by natural key, e.g. an organisation's slug).

Contract for every seeder:

- **Idempotent.** A second run neither fails nor adds rows: ``get_or_create`` /
  ``update_or_create`` on natural keys, and bulk inserts only of the rows missing.
- **Fictional.** Names are realistic but invented; e-mail addresses are at
  ``example.org`` (reserved by RFC 2606) and all accounts use
  ``settings.COP_DEMO_PASSWORD``.
- **Scale.** ``SCALE_DEMO`` is the small set a person clicks through. ``SCALE_LARGE``
  is for benchmarks and must finish in minutes: bulk inserts, the password hashed
  once (:func:`demo_password_hash`). At the large scale the seeders together must
  produce at least :data:`LARGE_SCALE_TARGETS`: 500 users (``cop.members``), 2,000
  topics and 50,000 posts and 10,000 digest subscribers (``discussions``, once its
  models exist).

``seed_demo`` refuses to run when ``settings.COP_ENVIRONMENT == "production"``.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import models

from cop.core.registry import Registry

if TYPE_CHECKING:
    from cop.members.models import User

M = TypeVar("M", bound=models.Model)

SCALE_DEMO: Final = "demo"
SCALE_LARGE: Final = "large"
SCALES: Final = (SCALE_DEMO, SCALE_LARGE)

# Seeder order: lower runs first. Later apps look up the rows of earlier ones.
SEED_ORDER_MEMBERS: Final = 10
SEED_ORDER_VENDORS: Final = 20
SEED_ORDER_GUIDES: Final = 30
SEED_ORDER_DISCUSSIONS: Final = 40

#: What ``--scale large`` must produce in total, per kind of row (see module docstring).
LARGE_SCALE_TARGETS: Final[Mapping[str, int]] = MappingProxyType(
    {
        "users": 500,
        "topics": 2_000,
        "posts": 50_000,
        "digest_subscribers": 10_000,
    }
)

#: Domain of every demo e-mail address (reserved for documentation by RFC 2606).
DEMO_EMAIL_DOMAIN: Final = "example.org"


class Seeder(Protocol):
    """Creates one app's demo rows; returns counts for the summary (or ``None``)."""

    def __call__(self, *, scale: str, stdout: Any) -> dict[str, int] | None: ...


seeders: Registry[Seeder] = Registry("seed_demo")


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as listed at the end of ``seed_demo``."""

    email: str
    role: str
    totp_secret: str = ""
    totp_uri: str = ""


_accounts: contextvars.ContextVar[list[DemoAccount] | None] = contextvars.ContextVar(
    "cop_seed_demo_accounts", default=None
)


@contextmanager
def collecting_demo_accounts() -> Iterator[list[DemoAccount]]:
    """Collect the accounts that :func:`demo_account_ensure` touches inside the block."""
    collected: list[DemoAccount] = []
    token = _accounts.set(collected)
    try:
        yield collected
    finally:
        _accounts.reset(token)


def demo_password_hash() -> str:
    """Return a hash of ``settings.COP_DEMO_PASSWORD`` to store on demo accounts.

    Hashed once per process and reused, also in ``bulk_create``: hashing is slow on
    purpose (Argon2, about half a second), and one hash per row would turn minutes
    into hours at the large scale. Sharing a salt is harmless for a public password.
    """
    return _hash_once(settings.COP_DEMO_PASSWORD, settings.PASSWORD_HASHERS[0])


@functools.lru_cache(maxsize=4)
def _hash_once(password: str, hasher: str) -> str:
    # ``hasher`` is part of the cache key only: make_password uses the default one.
    return make_password(password)


def demo_account_ensure(
    *,
    email: str,
    role: str,
    totp_secret: str = "",
    is_superuser: bool = False,
) -> User:
    """Create or repair the demo account ``email`` and return it.

    The account is active, signs in with ``settings.COP_DEMO_PASSWORD`` (reset if it was
    changed) and has a verified primary allauth e-mail address, so that it can sign in
    under mandatory verification. With ``totp_secret`` it gets a TOTP authenticator with
    that fixed secret (see :func:`totp_ensure`). Idempotent. The account is listed in the
    ``seed_demo`` table under ``role``.
    """
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(
        email=email,
        defaults={
            "is_active": True,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
            "password": demo_password_hash(),
        },
    )
    changed: list[str] = []
    # Reset a changed password, but never rewrite a matching hash: a new hash would
    # sign the account out of its sessions on every run.
    if user.password != demo_password_hash() and not check_password(
        settings.COP_DEMO_PASSWORD, user.password
    ):
        user.password = demo_password_hash()
        changed.append("password")
    for field, value in (
        ("is_active", True),
        ("is_staff", is_superuser or user.is_staff),
        ("is_superuser", is_superuser or user.is_superuser),
    ):
        if getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        user.save(update_fields=changed)
    verified_email_ensure(user=user)
    uri = totp_ensure(user=user, secret=totp_secret) if totp_secret else ""
    collected = _accounts.get()
    if collected is not None:
        collected.append(DemoAccount(email, role, totp_secret, uri))
    return user


def verified_email_ensure(*, user: Any) -> None:
    """Give ``user`` a verified, primary allauth address equal to ``user.email``."""
    from allauth.account.models import EmailAddress

    address, _ = EmailAddress.objects.get_or_create(
        user=user,
        email=user.email.lower(),
        defaults={"verified": True, "primary": True},
    )
    if not (address.verified and address.primary):
        EmailAddress.objects.filter(user=user).exclude(pk=address.pk).update(
            primary=False
        )
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])


def totp_ensure(*, user: Any, secret: str) -> str:
    """Give ``user`` a TOTP authenticator with ``secret``; return its otpauth:// URI.

    Uses allauth.mfa's own API, so the secret is stored through the MFA adapter's
    ``encrypt``. An existing TOTP authenticator with another secret is replaced, never
    duplicated (allauth allows one per user).
    """
    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from allauth.mfa.utils import decrypt

    existing = Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).first()
    if existing is not None and decrypt(existing.data["secret"]) != secret:
        existing.delete()
        existing = None
    if existing is None:
        TOTP.activate(user, secret)
    return str(get_adapter().build_totp_url(user, secret))


def totp_current_code(secret: str) -> str:
    """Return the TOTP code that allauth accepts for ``secret`` right now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(
        format_hotp_value(
            hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD)
        )
    )


def row_ensure(
    model: type[M], *, lookup: Mapping[str, Any], values: Mapping[str, Any]
) -> tuple[M, bool]:
    """Get the ``model`` row matching ``lookup`` (a natural key) and bring it to ``values``.

    Creates the row when it is missing and saves only the fields that differ, so a
    second run leaves rows (and their ``updated_at``) untouched. Returns
    ``(row, created)``.
    """
    row, created = model._default_manager.get_or_create(**lookup, defaults=dict(values))
    if not created:
        changed = [
            name for name, value in values.items() if getattr(row, name) != value
        ]
        for name in changed:
            setattr(row, name, values[name])
        if changed:
            # auto_now fields are saved only when named in update_fields.
            extra = ["updated_at"] if hasattr(row, "updated_at") else []
            row.save(update_fields=[*changed, *extra])
    return row, created

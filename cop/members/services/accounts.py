"""Services for accounts: completing a sign-up and keeping client addresses out of storage.

cop never stores a client's IP address. allauth needs *an* address per client for its
rate limits and writes one into each ``UserSession`` row; ``client_address_pseudonym``
gives it a keyed, non-reversible stand-in instead, and ``usersession_scrub`` blanks the
stand-in before a session row is saved.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Any

from django.conf import settings
from django.db import transaction

from cop.members import selectors_accounts
from cop.members.models import User
from cop.members.services import conduct, profiles

# What a UserSession row holds instead of an address: "unspecified" (RFC 4291 2.5.2).
UNSPECIFIED_ADDRESS = "::"


@transaction.atomic
def account_signup_complete(
    *, user: User, display_name: str, accepts_code_of_conduct: bool
) -> User:
    """Give a new account its display name, save it and record the code-of-conduct acceptance.

    Called by the allauth adapter during sign-up, after the form validated. The
    acceptance is recorded for the version in force; when none is published yet the
    member is asked at their first visit after one is. Raises ``ValidationError`` if
    the name was taken in the meantime.
    """
    profiles.profile_display_name_prepare(user=user, display_name=display_name)
    user.save()
    current = selectors_accounts.code_of_conduct_current()
    if accepts_code_of_conduct and current is not None:
        conduct.code_of_conduct_accept(user=user, version=current)
    return user


def client_address_pseudonym(*, address: str | None) -> str | None:
    """Return a stable stand-in address for ``address``, or ``None`` if it is unusable.

    An HMAC (keyed with ``SECRET_KEY``) of the address, shaped as an IPv6 address in
    the unique-local range ``fd00::/8`` with the hash in the first 64 bits, because
    allauth groups IPv6 clients by /64. Real IPv6 clients are grouped by their /64
    before hashing for the same reason. Pure function; nothing is stored.
    """
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address):
        material = str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    else:
        material = str(parsed)
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"cop-client:" + material.encode(), hashlib.sha256
    ).digest()
    prefix = int.from_bytes(b"\xfd" + digest[:7], "big")
    return str(ipaddress.IPv6Address(prefix << 64))


def usersession_scrub(*, session: Any) -> None:
    """Blank the client address of an allauth ``UserSession`` before it is saved.

    The column is required, so it gets the unspecified address ``::``. Called by the
    ``pre_save`` handler in ``cop.members.signal_handlers_accounts``.
    """
    session.ip = UNSPECIFIED_ADDRESS

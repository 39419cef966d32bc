"""Sending one e-mail to one member: multipart, minimal data, unsubscribe headers.

Contract (instant notification e-mails and digests both send through here):

- :func:`member_email_send` renders ``templates/emails/<template>.txt`` and ``.html``,
  adds ``List-Unsubscribe`` (https link with a signed, expiring token) and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), the given
  deterministic ``Message-ID``, and sends it. It raises :class:`TransientMailError`
  for errors worth retrying (4xx, connection refused or dropped) and
  :class:`PermanentMailError` for the rest (5xx, refused recipient). It never adds
  tracking pixels nor rewrites links.
- :func:`unsubscribe_token_make` / :func:`unsubscribe_token_check` sign and verify the
  token (``django.core.signing``, salted, with a maximum age).

Owner while the discussions are built: H6 (H5 calls it for instant e-mails).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "PermanentMailError",
    "TransientMailError",
    "member_email_send",
    "unsubscribe_token_check",
    "unsubscribe_token_make",
]


class TransientMailError(Exception):
    """The mail server may accept the message later: retry with backoff."""


class PermanentMailError(Exception):
    """The mail server refused the message for good: record it, do not retry."""


def member_email_send(
    *,
    user: Any,
    subject: str,
    template: str,
    context: dict[str, Any],
    message_id: str | None = None,
    unsubscribe_scope: str = "all",
) -> str:
    """Send one multipart e-mail to ``user``'s address and return its Message-ID."""
    raise NotImplementedError


def unsubscribe_token_make(*, user_id: int, scope: str) -> str:
    """Return a signed token letting its bearer change ``user_id``'s e-mail choices for ``scope``."""
    raise NotImplementedError


def unsubscribe_token_check(token: str) -> tuple[int, str]:
    """Return ``(user_id, scope)`` of a valid token; raise ``signing.BadSignature`` otherwise."""
    raise NotImplementedError

"""Sending one e-mail to one member: multipart, minimal data, unsubscribe headers.

Contract (instant notification e-mails and digests both send through here):

- :func:`member_email_send` renders ``templates/emails/<template>.txt`` and ``.html``,
  adds ``List-Unsubscribe`` (https link with a signed, expiring token) and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058), the given
  deterministic ``Message-ID``, and sends it. Every failure is classified by
  :func:`smtp_error_classify`, the one rule both e-mail paths share: a
  :class:`TransientMailError` (4xx, connection refused or dropped, timeout, a
  server that refuses our session or credentials) is retried later, a
  :class:`PermanentMailError` (5xx for the recipient or the message) is not; its
  ``bounce`` flag says whether it counts against the member's address. It never
  adds tracking pixels nor rewrites links.
- :func:`unsubscribe_token_make` / :func:`unsubscribe_token_check` sign and verify the
  token (``django.core.signing``, salted, with a maximum age).

Scopes a token may carry: ``"all"`` (every discussion e-mail: digest and instant),
``"digest"``, ``"notifications"`` (instant e-mails) and ``"space:<id>"`` (one space
in the digest). The unsubscribe page (``discussions:unsubscribe``) applies them.

The digest and the instant notification e-mails both go out through it.
"""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse

__all__ = [
    "UNSUBSCRIBE_SCOPES",
    "PermanentMailError",
    "TransientMailError",
    "email_message_send",
    "mail_domain",
    "member_email_message",
    "member_email_send",
    "message_id_make",
    "smtp_error_classify",
    "unsubscribe_token_check",
    "unsubscribe_token_make",
    "unsubscribe_url",
]

UNSUBSCRIBE_SALT = "discussions.unsubscribe"
UNSUBSCRIBE_SCOPES = ("all", "digest", "notifications")
_SPACE_SCOPE = re.compile(r"^space:[0-9]{1,12}$")
# 60 days: long enough for a weekly digest read late, short enough that an old
# forwarded e-mail stops working (settings.COP_UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS).
_DEFAULT_MAX_AGE_DAYS = 60
_TOKEN_SENTINEL = "unsubscribe-token-sentinel"  # noqa: S105 - a placeholder
_UNSUBSCRIBE_PATHS: dict[tuple[Any, str], str] = {}


class TransientMailError(Exception):
    """The mail server may accept the message later: retry with backoff."""

    def __init__(self, message: str, *, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class PermanentMailError(Exception):
    """The mail server refused the message for good: record it, do not retry.

    ``bounce`` is true when the server refused the recipient or the message with a
    5xx answer: such a failure counts towards marking the address as bouncing
    (:mod:`discussions.services.mailing`). A failure before any server answered
    (no address, a template error) does not.
    """

    def __init__(
        self, message: str, *, smtp_code: int | None = None, bounce: bool = False
    ) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code
        self.bounce = bounce


def mail_domain() -> str:
    """Return the host name used on the right of Message-IDs (the site's host)."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id_make(*parts: object) -> str:
    """Return a deterministic Message-ID ``<part1.part2...@site-host>``.

    Pass IDs and codes only (never an e-mail address): the same parts always give
    the same ID, so a resent message is recognisably the same message.
    """
    local = ".".join(re.sub(r"[^A-Za-z0-9_-]", "-", str(part)) for part in parts)
    return f"<{local}@{mail_domain()}>"


def unsubscribe_token_make(*, user_id: int, scope: str) -> str:
    """Return a signed token letting its bearer change ``user_id``'s e-mail choices for ``scope``."""
    _check_scope(scope)
    return signing.dumps({"u": int(user_id), "s": scope}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_check(token: str) -> tuple[int, str]:
    """Return ``(user_id, scope)`` of a valid token; raise ``signing.BadSignature`` otherwise.

    ``signing.SignatureExpired`` (a ``BadSignature``) is raised once the token is
    older than ``COP_UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS`` (default 60).
    """
    days = getattr(
        settings, "COP_UNSUBSCRIBE_TOKEN_MAX_AGE_DAYS", _DEFAULT_MAX_AGE_DAYS
    )
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=timedelta(days=days))
    if not isinstance(data, dict):
        raise signing.BadSignature("malformed unsubscribe token")
    user_id, scope = data.get("u"), data.get("s")
    if not isinstance(user_id, int) or not isinstance(scope, str):
        raise signing.BadSignature("malformed unsubscribe token")
    try:
        _check_scope(scope)
    except ValueError as error:
        raise signing.BadSignature("unknown unsubscribe scope") from error
    return user_id, scope


def unsubscribe_url(*, user_id: int, scope: str) -> str:
    """Return the absolute unsubscribe link (page on GET, one-click on POST)."""
    token = unsubscribe_token_make(user_id=user_id, scope=scope)
    # reverse() once per URL configuration, then substitution: a digest batch makes
    # hundreds of these links and reverse() costs about a millisecond. A token is
    # URL-safe (base64 and ":"), so reverse() would not quote it either.
    key = (get_urlconf(), get_script_prefix())
    path = _UNSUBSCRIBE_PATHS.get(key)
    if path is None:
        path = _UNSUBSCRIBE_PATHS[key] = reverse(
            "discussions:unsubscribe", kwargs={"token": _TOKEN_SENTINEL}
        )
    return f"{settings.SITE_URL}{path.replace(_TOKEN_SENTINEL, token, 1)}"


def member_email_message(
    *,
    user: Any,
    subject: str,
    template: str,
    context: dict[str, Any],
    message_id: str | None = None,
    unsubscribe_scope: str = "all",
    renderer: Callable[[str, dict[str, Any]], tuple[str, str]] | None = None,
) -> EmailMultiAlternatives:
    """Return (without sending) the multipart e-mail :func:`member_email_send` sends.

    For callers that send many messages over one connection (digests):
    pass the result to :func:`email_message_send`. ``renderer(template, context)``
    returns the text and HTML bodies instead of rendering the two templates here
    (the digest renders the parts its members share once: see
    ``discussions.services.digests.rendering``); it gets the full context.
    """
    if not getattr(user, "email", ""):
        raise PermanentMailError("member has no e-mail address")
    link = unsubscribe_url(user_id=user.pk, scope=unsubscribe_scope)
    full_context = {
        **context,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": link,
        "recipient_name": getattr(user, "display_name", "") or "",
    }
    if renderer is not None:
        text, html = renderer(template, full_context)
    else:
        text = render_to_string(f"emails/{template}.txt", full_context)
        html = render_to_string(f"emails/{template}.html", full_context)
    message_id = message_id or make_msgid(domain=mail_domain())
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # no header injection via newlines
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def email_message_send(
    message: EmailMultiAlternatives, *, connection: Any = None
) -> str:
    """Send ``message`` (over ``connection`` when given, kept open) and return its Message-ID.

    Raises :class:`TransientMailError` or :class:`PermanentMailError`. After a
    transient error the connection may be dead: the caller closes it (it reopens on
    the next send).
    """
    try:
        if connection is None:
            message.send(fail_silently=False)
        else:
            connection.open()  # reopens a connection closed after an error; else no-op
            connection.send_messages([message])
    except Exception as error:
        raise smtp_error_classify(error) from error
    return str(message.extra_headers["Message-ID"])


def member_email_send(
    *,
    user: Any,
    subject: str,
    template: str,
    context: dict[str, Any],
    message_id: str | None = None,
    unsubscribe_scope: str = "all",
    connection: Any = None,
) -> str:
    """Send one multipart e-mail to ``user``'s address and return its Message-ID.

    The templates get ``context`` plus ``site_url``, ``unsubscribe_url`` and
    ``recipient_name`` (the member's display name). Only ``user.email`` is put in
    the message: no other member's address, no tracking, links untouched. The
    caller decides whether the member should get e-mail at all (verified address,
    not bouncing); this function only sends (over ``connection`` when given, else a
    connection of its own). Raises :class:`TransientMailError` or
    :class:`PermanentMailError`; not idempotent by itself (callers hold the fact).
    """
    message = member_email_message(
        user=user,
        subject=subject,
        template=template,
        context=context,
        message_id=message_id,
        unsubscribe_scope=unsubscribe_scope,
    )
    return email_message_send(message, connection=connection)


def _check_scope(scope: str) -> None:
    if scope not in UNSUBSCRIBE_SCOPES and not _SPACE_SCOPE.match(scope):
        raise ValueError(f"unknown unsubscribe scope {scope!r}")


def smtp_error_classify(
    error: BaseException,
) -> TransientMailError | PermanentMailError:
    """Map an exception from the mail backend to a transient or permanent failure.

    Transient (retried until ``COP_EMAIL_RETRY_DEADLINE_HOURS``): any 4xx answer;
    a dropped, refused or timed-out connection; and failures of the session rather
    than of the message (greeting, HELO, authentication, sender refused, a server
    lacking STARTTLS), which an operator fixes without the member doing anything;
    like Postfix' ``smtp_sasl_auth_soft_bounce``, they must not lose the queue nor
    mark every member as bouncing. Permanent: a 5xx answer to the recipient or to
    the message (``bounce``), and anything else raised before a server answered.
    """
    summary = f"{type(error).__name__}: {error}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        # A 4xx refusal of the recipient (greylisting, mailbox busy) is worth a
        # retry; a 5xx one (no such user) is not.
        if codes and all(400 <= code < 500 for code in codes):
            return TransientMailError(summary, smtp_code=codes[0])
        code = next((c for c in codes if 500 <= c < 600), None)
        return PermanentMailError(summary, smtp_code=code, bounce=code is not None)
    session_errors = (
        smtplib.SMTPAuthenticationError,
        smtplib.SMTPConnectError,
        smtplib.SMTPHeloError,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPNotSupportedError,
    )
    if isinstance(error, session_errors):
        return TransientMailError(summary, smtp_code=getattr(error, "smtp_code", None))
    if isinstance(error, smtplib.SMTPResponseException):
        code = error.smtp_code
        if isinstance(code, int) and 500 <= code < 600:
            return PermanentMailError(summary, smtp_code=code, bounce=True)
        return TransientMailError(summary, smtp_code=code)
    # SMTPServerDisconnected, refused/reset connections and timeouts (all OSError).
    if isinstance(error, smtplib.SMTPServerDisconnected | OSError):
        return TransientMailError(summary)
    return PermanentMailError(summary)

"""discussions.mail: multipart member e-mails, unsubscribe headers and tokens, errors."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail as outbox
from django.core import signing
from django.utils import timezone

from discussions import mail
from tests.factories import UserFactory


class _FailingBackend:
    """An e-mail backend raising the exception stored on the class."""

    error: BaseException = OSError("boom")

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


@pytest.fixture
def member(db):
    return UserFactory(
        email="reader@riverside-library.example", display_name="Quiet Reader"
    )


def _send(member, **kwargs):
    return mail.member_email_send(
        user=member,
        subject="Your cop digest",
        template="digest",
        context={"digest": {"sections": []}, "index_url": "https://cop.example/d/"},
        **kwargs,
    )


def test_member_email_send_sends_multipart_with_unsubscribe_headers(member, settings):
    settings.SITE_URL = "https://cop.example.org"
    # when
    message_id = _send(member, message_id="<digest.1.202611230800@cop.example.org>")
    # then
    assert message_id == "<digest.1.202611230800@cop.example.org>"
    (message,) = outbox.outbox
    assert message.to == [member.email]
    assert message.alternatives[0][1] == "text/html"
    headers = message.message()
    assert headers["Message-ID"] == message_id
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"]
    assert link.startswith("<https://cop.example.org/discussions/unsubscribe/")
    assert link.endswith("/>")
    token = link.rsplit("/unsubscribe/", 1)[1].rstrip("/>")
    assert mail.unsubscribe_token_check(token) == (member.pk, "all")


def test_member_email_send_contains_display_name_and_no_tracking(member):
    _send(member)
    (message,) = outbox.outbox
    html = message.alternatives[0][0]
    assert "Quiet Reader" in message.body
    assert "<img" not in html
    assert member.email not in message.body + html


def test_member_email_send_without_message_id_makes_one(member):
    message_id = _send(member)
    assert message_id.startswith("<")
    assert message_id.endswith(">")
    assert outbox.outbox[0].message()["Message-ID"] == message_id


def test_message_id_make_is_deterministic_and_has_no_address(settings):
    settings.SITE_URL = "https://cop.example.org"
    first = mail.message_id_make("digest", 7, "202611230800")
    assert first == mail.message_id_make("digest", 7, "202611230800")
    assert first == "<digest.7.202611230800@cop.example.org>"


def test_unsubscribe_token_tampered_raises_bad_signature(db):
    token = mail.unsubscribe_token_make(user_id=5, scope="digest")
    with pytest.raises(signing.BadSignature):
        mail.unsubscribe_token_check(
            token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        )


def test_unsubscribe_token_expired_raises_signature_expired(db):
    with time_machine.travel(timezone.now() - timedelta(days=61), tick=False):
        token = mail.unsubscribe_token_make(user_id=5, scope="space:3")
    with pytest.raises(signing.SignatureExpired):
        mail.unsubscribe_token_check(token)


def test_unsubscribe_token_within_max_age_is_valid(db):
    with time_machine.travel(timezone.now() - timedelta(days=59), tick=False):
        token = mail.unsubscribe_token_make(user_id=5, scope="space:3")
    assert mail.unsubscribe_token_check(token) == (5, "space:3")


def test_unsubscribe_token_make_unknown_scope_is_refused():
    with pytest.raises(ValueError, match="scope"):
        mail.unsubscribe_token_make(user_id=1, scope="everything")


@pytest.mark.parametrize(
    ("error", "expected", "code", "bounce"),
    [
        (smtplib.SMTPServerDisconnected("gone"), mail.TransientMailError, None, False),
        (ConnectionRefusedError("refused"), mail.TransientMailError, None, False),
        (TimeoutError("slow"), mail.TransientMailError, None, False),
        (smtplib.SMTPDataError(451, b"try later"), mail.TransientMailError, 451, False),
        (
            smtplib.SMTPSenderRefused(421, b"busy", "x@y"),
            mail.TransientMailError,
            421,
            False,
        ),
        (smtplib.SMTPDataError(554, b"rejected"), mail.PermanentMailError, 554, True),
        (
            smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"no such user")}),
            mail.PermanentMailError,
            550,
            True,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@b.example": (450, b"greylisted")}),
            mail.TransientMailError,
            450,
            False,
        ),
        # Failures of our session, not of the member's address: an operator fixes
        # them, so they wait in the queue and never count as a bounce.
        (
            smtplib.SMTPAuthenticationError(535, b"bad credentials"),
            mail.TransientMailError,
            535,
            False,
        ),
        (
            smtplib.SMTPSenderRefused(553, b"sender not allowed", "x@y"),
            mail.TransientMailError,
            553,
            False,
        ),
        (
            smtplib.SMTPConnectError(554, b"no service"),
            mail.TransientMailError,
            554,
            False,
        ),
        (smtplib.SMTPHeloError(501, b"bad helo"), mail.TransientMailError, 501, False),
        # Raised before any server answered: permanent, not the address's fault.
        (ValueError("bad header"), mail.PermanentMailError, None, False),
    ],
)
def test_member_email_send_smtp_error_is_classified(
    member, settings, error, expected, code, bounce
):
    # given
    _FailingBackend.error = error
    settings.EMAIL_BACKEND = f"{__name__}._FailingBackend"
    # when / then
    with pytest.raises(expected) as raised:
        _send(member)
    assert raised.value.smtp_code == code
    assert getattr(raised.value, "bounce", False) is bounce


def test_member_email_send_without_address_is_permanent_but_no_bounce(db):
    with pytest.raises(mail.PermanentMailError) as raised:
        _send(UserFactory(email=""))
    assert raised.value.bounce is False

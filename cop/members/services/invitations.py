"""Invitations: a moderator invites a vendor's representative by e-mail.

The link leads into the affiliation flow: accepting it makes the same verified
:class:`~cop.members.models.Membership` a moderator's approval would, at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.core.services import audit_record
from cop.members import permissions
from cop.members.models import AffiliationInvitation, Membership, Organisation
from cop.members.services.freetext import freetext_clean

logger = logging.getLogger(__name__)

#: How long an invitation link works.
INVITATION_DAYS: Final = 14


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    """Return the absolute link of an invitation token."""
    return str(settings.SITE_URL) + reverse(
        "members:invitation", kwargs={"token": token}
    )


@transaction.atomic
def invitation_create(
    *, actor: Any, organisation: Organisation, email: str, message: str = ""
) -> tuple[AffiliationInvitation, str]:
    """Invite ``email`` to represent ``organisation`` (a vendor); return it and its token.

    Moderators only. E-mails the link after commit; only the token's hash is stored.
    Audited.
    """
    permissions.require(permissions.can_invite_representatives(actor))
    if organisation.kind != Organisation.Kind.VENDOR:
        raise ValidationError(
            {"organisation": _("Representatives are invited to vendors only.")}
        )
    message = freetext_clean(message, max_length=1000, field="message")
    token = secrets.token_urlsafe(32)
    invitation = AffiliationInvitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        message=message,
        token_hash=_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        action="affiliation.invited",
        target=invitation,
        extra={"organisation_id": organisation.pk},
    )
    invitation_id = invitation.pk
    transaction.on_commit(
        lambda: invitation_send(invitation_id=invitation_id, token=token)
    )
    return invitation, token


def invitation_send(*, invitation_id: int, token: str) -> None:
    """E-mail an invitation's link; quiet if it vanished, a mail failure is logged."""
    invitation = (
        AffiliationInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "url": invitation_url(token),
        "days": INVITATION_DAYS,
    }
    subject = render_to_string("emails/invitation_subject.txt", context)
    body = render_to_string("emails/invitation.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except OSError:
        logger.warning("invitation e-mail %s failed", invitation_id)


def invitation_get(*, token: str) -> AffiliationInvitation | None:
    """Return the invitation of ``token`` (used, expired or not), or None."""
    invitation: AffiliationInvitation | None = (
        AffiliationInvitation.objects.select_related("organisation")
        .filter(token_hash=_hash(token))
        .first()
    )
    return invitation


def invitation_problem(*, invitation: AffiliationInvitation | None) -> str | None:
    """Return why an invitation cannot be accepted any more, or None."""
    if invitation is None:
        return _("This invitation link is not valid. Ask the moderators for a new one.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted.")
    if invitation.expires_at < timezone.now():
        return _("This invitation has expired. Ask the moderators for a new one.")
    return None


def _has_verified_address(user: Any, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return bool(
        EmailAddress.objects.filter(
            user_id=user.pk, email__iexact=email, verified=True
        ).exists()
    )


@transaction.atomic
def invitation_accept(*, actor: Any, token: str) -> Membership:
    """Accept the invitation of ``token``: ``actor`` becomes a verified representative.

    The actor must have verified the invited address. Raises ``ValidationError`` when
    the link is unknown, used or expired, or the address does not match. Audited.
    """
    invitation = (
        AffiliationInvitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token_hash=_hash(token))
        .first()
    )
    if problem := invitation_problem(invitation=invitation):
        raise ValidationError(problem)
    assert invitation is not None  # noqa: S101 - invitation_problem checked it
    if not _has_verified_address(actor, invitation.email):
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Add that address to your account "
                "and confirm it, then open the link again."
            )
            % {"email": invitation.email}
        )
    if not actor.is_active:
        raise PermissionDenied
    now = timezone.now()
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user=actor,
        organisation=invitation.organisation,
        defaults={"requested_at": now},
    )
    membership.role = invitation.role
    membership.status = Membership.Status.VERIFIED
    membership.fast_tracked = True
    membership.decided_by = invitation.invited_by
    membership.decided_at = now
    membership.decision_reason = _("Invited by a moderator")
    membership.save()
    invitation.accepted_by = actor
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    audit_record(
        actor=actor,
        action="affiliation.invitation_accepted",
        target=membership,
        extra={
            "organisation_id": invitation.organisation_id,
            "invitation_id": invitation.pk,
            "role": invitation.role,
        },
    )
    permissions.clear_cached_roles(actor)
    return membership

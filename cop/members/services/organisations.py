"""Organisations and affiliations: every change to them goes through here.

An affiliation is a ``Membership`` row, one per (member, organisation). Its life:
``requested`` → ``verified`` (fast-tracked by a matching verified e-mail domain, or
approved by a moderator) or ``declined`` (with a reason); the member may withdraw a
pending request (``withdrawn``) or leave (``left``); a moderator may revoke
(``revoked``). A member may ask again after any end state; the row is reused.
Every transition writes an audit entry in the same transaction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.core.services import audit_record
from cop.members import permissions
from cop.members.models import Membership, Organisation
from cop.members.services.freetext import freetext_clean
from cop.members.services.representation import representation_check

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = 1000
REASON_MAX_LENGTH = 1000
# A member rarely needs more than a handful of open requests; the cap stops a script
# from filling the moderators' queue.
MAX_PENDING_REQUESTS = 5
MAX_EMAIL_DOMAINS = 20

_DOMAIN_RE = re.compile(
    r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
# Domains that anyone can get an address at must never fast-track an affiliation.
_FREEMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.com",
        "zoho.com",
        "fastmail.com",
        "posteo.de",
        "example.com",
    }
)


# ----------------------------------------------------------------- organisations


def email_domains_clean(
    *, domains: Iterable[str] | str, organisation: Organisation | None = None
) -> list[str]:
    """Return ``domains`` validated, lower-cased, de-duplicated and sorted.

    Accepts a list or a string separated by commas, spaces or newlines. Raises
    ``ValidationError`` for malformed or free-mail domains and for a domain that
    another organisation already claims (one domain, one organisation: otherwise a
    matching address could not say which one to fast-track).
    """
    if isinstance(domains, str):
        domains = re.split(r"[\s,;]+", domains)
    cleaned: list[str] = []
    for raw in domains:
        domain = str(raw).strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        if not _DOMAIN_RE.match(domain):
            raise ValidationError(
                _("“%(domain)s” is not a valid domain name (like library.example.org).")
                % {"domain": domain[:100]},
                code="invalid_domain",
            )
        if domain in _FREEMAIL_DOMAINS:
            raise ValidationError(
                _("“%(domain)s” is a public e-mail provider and cannot verify anyone.")
                % {"domain": domain},
                code="freemail_domain",
            )
        if domain not in cleaned:
            cleaned.append(domain)
    if len(cleaned) > MAX_EMAIL_DOMAINS:
        raise ValidationError(
            _("At most %(max)d domains per organisation.") % {"max": MAX_EMAIL_DOMAINS},
            code="too_many_domains",
        )
    others = Organisation.objects.all()
    if organisation is not None and organisation.pk:
        others = others.exclude(pk=organisation.pk)
    taken = {
        domain: name
        for name, org_domains in others.values_list("name", "email_domains")
        for domain in (org_domains or [])
    }
    clashes = [domain for domain in cleaned if domain in taken]
    if clashes:
        raise ValidationError(
            _("“%(domain)s” already belongs to %(org)s.")
            % {"domain": clashes[0], "org": taken[clashes[0]]},
            code="domain_taken",
        )
    return sorted(cleaned)


@transaction.atomic
def organisation_profile_update(
    *, actor: Any, organisation: Organisation, website: str, description: str
) -> Organisation:
    """Change ``organisation``'s public website and description.

    Moderators, or a verified representative of this very vendor. Audited.
    """
    permissions.require(permissions.can_edit_organisation_profile(actor, organisation))
    website = website.strip()
    if website:
        URLValidator(schemes=["https", "http"])(website)
    organisation.website = website
    organisation.description = freetext_clean(
        description, max_length=2000, field="description"
    )
    organisation.save(update_fields=["website", "description", "updated_at"])
    audit_record(
        actor=actor, action="organisation.profile_updated", target=organisation
    )
    return organisation


# ----------------------------------------------------------------- affiliations


def _verified_email_domain(user: Any) -> str | None:
    """Return the domain of ``user``'s primary e-mail address if it is verified."""
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(user_id=user.pk, primary=True, verified=True)
        .values_list("email", flat=True)
        .first()
    )
    if not address or "@" not in address:
        return None
    return str(address).rsplit("@", 1)[1].lower()


def _notify_decision_on_commit(membership: Membership) -> None:
    membership_id = membership.pk
    transaction.on_commit(
        lambda: affiliation_decision_notify(membership_id=membership_id)
    )


def affiliation_decision_notify(*, membership_id: int) -> None:
    """E-mail a member the outcome of their affiliation request; quiet if it vanished.

    Runs after commit (never inside the deciding transaction). A mail failure is
    logged, never raised: the decision stands and the member sees it on their page.
    """
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not membership.user.email:
        return
    context = {
        "membership": membership,
        "organisation": membership.organisation,
        "affiliations_url": settings.SITE_URL + reverse("members:affiliation_list"),
    }
    subject = render_to_string("members/affiliation_decision_subject.txt", context)
    body = render_to_string("members/affiliation_decision_email.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [membership.user.email])
    except OSError:
        logger.warning(
            "affiliation decision e-mail for membership %s failed", membership_id
        )


@transaction.atomic
def affiliation_request(
    *, actor: Any, organisation: Organisation, role: str, message: str = ""
) -> Membership:
    """Ask for ``actor`` to be affiliated with ``organisation`` in ``role``.

    Any signed-in member may ask; representatives only of vendors. Fast-tracked to
    ``verified`` when the member's verified primary e-mail address is at one of the
    organisation's domains; otherwise waits for a moderator. Raises
    ``ValidationError`` if a request is already pending, the member is already
    verified, or too many requests are open. Audited either way.
    """
    if not permissions.can_request_affiliation(actor, organisation, role):
        raise PermissionDenied
    message = freetext_clean(message, max_length=MESSAGE_MAX_LENGTH, field="message")
    membership = (
        Membership.objects.select_for_update()
        .filter(user_id=actor.pk, organisation=organisation)
        .first()
    )
    if membership is not None and membership.status == Membership.Status.REQUESTED:
        raise ValidationError(
            _("You have already asked to join %(org)s; a moderator will decide soon.")
            % {"org": organisation.name},
            code="already_pending",
        )
    if membership is not None and membership.status == Membership.Status.VERIFIED:
        raise ValidationError(
            _("You are already a verified member of %(org)s.")
            % {"org": organisation.name},
            code="already_verified",
        )
    pending = Membership.objects.filter(
        user_id=actor.pk, status=Membership.Status.REQUESTED
    ).count()
    if pending >= MAX_PENDING_REQUESTS:
        raise ValidationError(
            _("You have %(n)d requests waiting; please wait for a decision first.")
            % {"n": pending},
            code="too_many_pending",
        )
    if membership is None:
        membership = Membership(user=actor, organisation=organisation)
    now = timezone.now()
    domain = _verified_email_domain(actor)
    fast_track = domain is not None and domain in (organisation.email_domains or [])
    membership.role = role
    membership.message = message
    membership.requested_at = now
    membership.fast_tracked = fast_track
    membership.decided_by = None
    membership.decision_reason = ""
    membership.status = (
        Membership.Status.VERIFIED if fast_track else Membership.Status.REQUESTED
    )
    membership.decided_at = now if fast_track else None
    membership.save()
    action = "affiliation.fast_tracked" if fast_track else "affiliation.requested"
    audit_record(
        actor=actor,
        action=action,
        target=membership,
        reason=_("verified e-mail domain matches") if fast_track else "",
        extra={"organisation_id": organisation.pk, "role": role},
    )
    permissions.clear_cached_roles(actor)
    return membership


def _decide(
    *,
    actor: Any,
    membership: Membership,
    status: str,
    reason: str,
    action: str,
    allowed: Callable[[Any, Membership], bool] = permissions.can_decide_affiliation,
) -> Membership:
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not allowed(actor, locked):
        raise PermissionDenied
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_reason",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=action,
        target=locked,
        reason=reason,
        extra={"organisation_id": locked.organisation_id, "role": locked.role},
    )
    _notify_decision_on_commit(locked)
    return locked


@transaction.atomic
def affiliation_approve(
    *, actor: Any, membership: Membership, reason: str = ""
) -> Membership:
    """Verify a pending affiliation request. Moderators only, never their own. Audited.

    E-mails the member after commit.
    """
    reason = freetext_clean(reason, max_length=REASON_MAX_LENGTH, field="reason")
    return _decide(
        actor=actor,
        membership=membership,
        status=Membership.Status.VERIFIED,
        reason=reason,
        action="affiliation.approved",
    )


@transaction.atomic
def affiliation_decline(
    *, actor: Any, membership: Membership, reason: str
) -> Membership:
    """Decline a pending affiliation request with a reason the member will see.

    Moderators only, never their own. Audited; e-mails the member after commit.
    """
    reason = freetext_clean(
        reason, max_length=REASON_MAX_LENGTH, required=True, field="reason"
    )
    return _decide(
        actor=actor,
        membership=membership,
        status=Membership.Status.DECLINED,
        reason=reason,
        action="affiliation.declined",
    )


@transaction.atomic
def affiliation_withdraw(*, actor: Any, membership: Membership) -> Membership:
    """Withdraw ``actor``'s own pending request. Audited; idempotent refusal otherwise."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.can_withdraw_affiliation(actor, locked):
        raise PermissionDenied
    locked.status = Membership.Status.WITHDRAWN
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="affiliation.withdrawn",
        target=locked,
        extra={"organisation_id": locked.organisation_id},
    )
    return locked


@transaction.atomic
def affiliation_leave(*, actor: Any, membership: Membership) -> Membership:
    """End ``actor``'s own verified affiliation; its rights end at once. Audited."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not permissions.can_leave_organisation(actor, locked):
        raise PermissionDenied
    locked.status = Membership.Status.LEFT
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="affiliation.left",
        target=locked,
        extra={"organisation_id": locked.organisation_id, "role": locked.role},
    )
    representation_check(organisation_ids=[locked.organisation_id])
    permissions.clear_cached_roles(actor)
    return locked


@transaction.atomic
def affiliation_revoke(
    *, actor: Any, membership: Membership, reason: str
) -> Membership:
    """Revoke a verified affiliation (e.g. the person left the vendor), with a reason.

    Moderators only, never their own. Audited; e-mails the member after commit.
    """
    reason = freetext_clean(
        reason, max_length=REASON_MAX_LENGTH, required=True, field="reason"
    )
    revoked = _decide(
        actor=actor,
        membership=membership,
        status=Membership.Status.REVOKED,
        reason=reason,
        action="affiliation.revoked",
        allowed=permissions.can_revoke_affiliation,
    )
    representation_check(organisation_ids=[revoked.organisation_id])
    return revoked

"""A vendor left without a verified representative is flagged to the moderators.

When a representative leaves, is revoked or erases their account, the services that
do it call :func:`representation_check`. A vendor with no verified representative
left gets an ``organisation.representative_lost`` audit entry, which puts it on the
moderators' affiliation queue until a new representative is verified
(:func:`cop.members.selectors.vendors_without_representative`); its public page says
it has no active representative (nobody can update its disclosures).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, OuterRef

from cop.core.services import audit_record
from cop.members.models import Membership, Organisation

REPRESENTATIVE_LOST = "organisation.representative_lost"


def verified_representatives(organisation_ref: OuterRef | int) -> Exists:
    """Return an ``Exists`` of a verified representative of the organisation."""
    return Exists(
        Membership.objects.filter(
            organisation_id=organisation_ref,
            role=Membership.Role.REPRESENTATIVE,
            status=Membership.Status.VERIFIED,
        )
    )


def representation_check(*, organisation_ids: Iterable[int]) -> list[int]:
    """Flag every vendor of ``organisation_ids`` that has no verified representative.

    Called inside the transaction of the change that removed a representative
    (leaving, revocation, erasure). Writes one audit entry per vendor flagged (no
    actor: the entry records the vendor's state, not who caused it) and returns the
    flagged vendors' IDs. Idempotent per change: a vendor that still has a
    representative is left alone.
    """
    ids = set(organisation_ids)
    if not ids:
        return []
    flagged = list(
        Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.VENDOR)
        .exclude(verified_representatives(OuterRef("pk")))
        .order_by("pk")
    )
    for organisation in flagged:
        audit_record(
            actor=None,
            action=REPRESENTATIVE_LOST,
            target=organisation,
            extra={"organisation_id": organisation.pk},
        )
    return [organisation.pk for organisation in flagged]


def representative_organisation_ids(*, user_id: int) -> list[int]:
    """Return the organisations ``user_id`` is a verified representative of."""
    return list(
        Membership.objects.filter(
            user_id=user_id,
            role=Membership.Role.REPRESENTATIVE,
            status=Membership.Status.VERIFIED,
        ).values_list("organisation_id", flat=True)
    )

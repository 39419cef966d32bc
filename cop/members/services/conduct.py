"""Services for the code of conduct: recording who accepted which version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cop.members.models import CodeOfConductAcceptance, CodeOfConductVersion


@transaction.atomic
def code_of_conduct_accept(
    *, user: Any, version: CodeOfConductVersion
) -> CodeOfConductAcceptance:
    """Record that ``user`` accepts ``version`` of the code of conduct, now.

    Called by the member themself (at sign-up or on the acceptance page). Idempotent:
    accepting the same version twice keeps the first acceptance and its time. Refuses
    a version that is not published.
    """
    if not version.live or version.first_published_at is None:
        raise ValidationError(
            _("This version of the code of conduct is not published."),
            code="not_published",
        )
    acceptance, _created = CodeOfConductAcceptance.objects.get_or_create(
        user_id=user.pk, version=version
    )
    # The request's user may carry "acceptance due" from its login query.
    if hasattr(user, "_cop_conduct_due"):
        del user._cop_conduct_due
    return acceptance

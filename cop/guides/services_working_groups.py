"""Changes to working-group membership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cop.guides import permissions
from cop.guides.cache import pages_changed

if TYPE_CHECKING:
    from cop.guides.models import WorkingGroupMembership, WorkingGroupPage


def working_group_member_add(
    *, group: WorkingGroupPage, user: Any, actor: Any
) -> WorkingGroupMembership:
    """Add ``user`` to ``group`` (moderators only), not listed until they choose to be.

    Refuses, with a ``ValidationError``, an inactive account or a member already in
    the group.
    """
    from cop.guides.models import WorkingGroupMembership

    permissions.require_working_group_manager(actor)
    if not user.is_active:
        raise ValidationError(_("This account is not active."))
    try:
        with transaction.atomic():
            membership = WorkingGroupMembership.objects.create(group=group, user=user)
    except IntegrityError as error:
        raise ValidationError(
            _("%(name)s is already a member of this working group.")
            % {"name": user.display_name or _("This member")}
        ) from error
    pages_changed()
    return membership


@transaction.atomic
def working_group_member_remove(
    *, membership: WorkingGroupMembership, actor: Any
) -> None:
    """Remove a member from their working group (moderators, or the member leaving)."""
    if not (
        permissions.can_manage_working_groups(actor)
        or permissions.can_change_listing(actor, membership)
    ):
        raise PermissionDenied
    membership.delete()
    pages_changed()


@transaction.atomic
def working_group_membership_set_listed(
    *, membership: WorkingGroupMembership, actor: Any, listed: bool
) -> WorkingGroupMembership:
    """Show or hide the member's display name on the group's page (the member only)."""
    if not permissions.can_change_listing(actor, membership):
        raise PermissionDenied
    if membership.listed != listed:
        membership.listed = listed
        membership.save(update_fields=["listed", "updated_at"])
        pages_changed()
    return membership

"""Template filters for member roles; each one asks ``cop.members.permissions``.

Usage: ``{% load members_tags %}`` then ``{% if org|rep_of:user %}``,
``{% if org|can_edit_profile:user %}``, ``{% if membership|can_withdraw:user %}``,
``{% if membership|can_leave:user %}``, ``{% if user|is_moderator %}``,
``{% if user|is_library_worker %}``, ``{% if user|mfa_pending %}``.
"""

from __future__ import annotations

from typing import Any

from django import template

from cop.members import permissions

register = template.Library()


@register.filter
def rep_of(org: Any, user: Any) -> bool:
    """Return whether ``user`` is a verified (MFA-protected) representative of ``org``."""
    return org is not None and permissions.is_verified_vendor_rep(user, org)


@register.filter
def can_edit_profile(org: Any, user: Any) -> bool:
    """Return whether ``user`` may edit ``org``'s public profile."""
    return org is not None and permissions.can_edit_organisation_profile(user, org)


@register.filter
def can_withdraw(membership: Any, user: Any) -> bool:
    """Return whether ``user`` may withdraw pending ``membership``."""
    return membership is not None and permissions.can_withdraw_affiliation(
        user, membership
    )


@register.filter
def can_leave(membership: Any, user: Any) -> bool:
    """Return whether ``user`` may leave through ``membership``."""
    return membership is not None and permissions.can_leave_organisation(
        user, membership
    )


@register.filter
def is_moderator(user: Any) -> bool:
    """Return whether ``user`` moderates cop."""
    return permissions.is_moderator(user)


@register.filter
def is_library_worker(user: Any) -> bool:
    """Return whether ``user`` is a verified library worker."""
    return permissions.is_library_worker(user)


@register.filter
def mfa_pending(user: Any) -> bool:
    """Return whether ``user`` holds an elevated role that waits for MFA set-up."""
    return permissions.elevated_role_pending_mfa(user)

"""Who may do what, for members and organisations: the one place these rules live.

Predicates (``is_*``, ``can_*``) answer ``bool``; guards (``require_*``) raise
``PermissionDenied``; accessors (``access_*``) return the object or raise ``Http404``
for both "missing" and "forbidden", so that existence never leaks. Views, services,
templates (through ``members_tags``), the Wagtail admin and the API call these; no
other module checks roles inline.

Roles:
- *admin*: a superuser (site configuration).
- *moderator*: a member of the ``Moderators`` group (the working group), or an admin.
- *vendor representative* of organisation O: a verified ``representative``
  membership of vendor organisation O. Rights never carry over to another vendor.
- *library worker*: a verified membership of a library organisation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from cop.members.models import Membership, Organisation

MODERATORS_GROUP = "Moderators"


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_site_admin(user: Any) -> bool:
    """Return whether ``user`` may configure the site."""
    return _active(user) and bool(user.is_superuser)


def is_moderator(user: Any) -> bool:
    """Return whether ``user`` belongs to the working group that moderates cop."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_cop_is_moderator", None)
    if cache is None:
        cache = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._cop_is_moderator = cache
    return bool(cache)


def represented_vendor_ids(user: Any) -> frozenset[int]:
    """Return the IDs of the vendor organisations ``user`` is a verified representative of."""
    if not _active(user):
        return frozenset()
    cache = getattr(user, "_cop_vendor_ids", None)
    if cache is None:
        cache = frozenset(
            Membership.objects.filter(
                user=user,
                status=Membership.Status.VERIFIED,
                role=Membership.Role.REPRESENTATIVE,
                organisation__kind=Organisation.Kind.VENDOR,
            ).values_list("organisation_id", flat=True)
        )
        user._cop_vendor_ids = cache
    return frozenset(cache)


def is_verified_vendor_rep(user: Any, org: Organisation | int | None = None) -> bool:
    """Return whether ``user`` represents vendor ``org`` (any vendor when ``org`` is None)."""
    ids = represented_vendor_ids(user)
    if org is None:
        return bool(ids)
    org_id = org if isinstance(org, int) else org.pk
    return org_id in ids


def is_library_worker(user: Any) -> bool:
    """Return whether ``user`` has a verified membership of a library organisation."""
    if not _active(user):
        return False
    return Membership.objects.filter(
        user=user,
        status=Membership.Status.VERIFIED,
        organisation__kind=Organisation.Kind.LIBRARY,
    ).exists()


def has_elevated_role(user: Any) -> bool:
    """Return whether ``user`` holds a role that must be protected by MFA."""
    return is_site_admin(user) or is_moderator(user) or is_verified_vendor_rep(user)


def can_moderate(user: Any, space: Any = None) -> bool:
    """Return whether ``user`` may moderate ``space`` (every space, for now)."""
    return is_moderator(user)


def require_moderator(user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is a moderator."""
    if not is_moderator(user):
        raise PermissionDenied


def clear_cached_roles(user: Any) -> None:
    """Forget the roles memoised on ``user`` (after a membership or group change)."""
    for attr in ("_cop_is_moderator", "_cop_vendor_ids"):
        if hasattr(user, attr):
            delattr(user, attr)

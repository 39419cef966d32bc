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

MFA: admin, moderator and vendor representative are *elevated* roles. Their rights
apply only once the person has a second factor (TOTP or WebAuthn): every elevated
predicate (``is_site_admin``, ``is_moderator``, ``is_verified_vendor_rep``,
``represented_vendor_ids``, ``can_moderate`` and everything built on them) answers
``False`` until ``mfa_enabled(user)``. ``has_elevated_role`` is the one exception: it
answers whether a role is *held*, regardless of MFA, so that the MFA enforcement
middleware can send such a person to set up a second factor
(``elevated_role_pending_mfa``).

Results are memoised on the user object, which Django builds afresh for each request;
call ``clear_cached_roles`` after changing a user's groups, memberships or factors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from cop.members.models import Membership, Organisation

MODERATORS_GROUP = "Moderators"

_CACHE_ATTRS = (
    "_cop_mfa_enabled",
    "_cop_holds_moderator",
    "_cop_held_vendor_ids",
    "_cop_is_library_worker",
    "_cop_group_ids",
    "_cop_conduct_due",
)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _memo(user: Any, attr: str, compute: Any) -> Any:
    """Return ``user.<attr>``, computing and storing it on first use."""
    value = getattr(user, attr, None)
    if value is None:
        value = compute()
        setattr(user, attr, value)
    return value


# ----------------------------------------------------------------- request facts
# cop.members.role_facts loads the facts below with the request's user row and fills
# the memo slots these predicates read.


def mfa_factors() -> Any:
    """Return the authenticators that count as a second factor (TOTP, WebAuthn)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    )


def group_ids(user: Any) -> frozenset[int]:
    """Return the IDs of the auth groups ``user`` belongs to (empty when signed out)."""
    if not _active(user):
        return frozenset()
    return frozenset(
        _memo(
            user,
            "_cop_group_ids",
            lambda: frozenset(user.groups.values_list("id", flat=True)),
        )
    )


def conduct_acceptance_due(user: Any) -> bool:
    """Return whether ``user`` must accept the code of conduct in force before going on."""
    if not getattr(user, "is_authenticated", False):
        return False
    due = getattr(user, "_cop_conduct_due", None)
    if due is None:
        from cop.members.selectors_accounts import code_of_conduct_pending

        due = code_of_conduct_pending(user=user) is not None
        user._cop_conduct_due = due
    return bool(due)


# ----------------------------------------------------------------- MFA


def mfa_enabled(user: Any) -> bool:
    """Return whether ``user`` has a second factor (a TOTP or WebAuthn authenticator).

    Recovery codes alone do not count: they back up a factor, they are not one.
    """
    if not _active(user):
        return False

    def compute() -> bool:
        return bool(mfa_factors().filter(user_id=user.pk).exists())

    return bool(_memo(user, "_cop_mfa_enabled", compute))


# ----------------------------------------------------------------- roles held


def _holds_admin(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser)


def _holds_moderator(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return bool(
        _memo(
            user,
            "_cop_holds_moderator",
            lambda: user.groups.filter(name=MODERATORS_GROUP).exists(),
        )
    )


def _held_vendor_ids(user: Any) -> frozenset[int]:
    if not _active(user):
        return frozenset()
    return frozenset(
        _memo(
            user,
            "_cop_held_vendor_ids",
            lambda: frozenset(
                Membership.objects.filter(
                    user_id=user.pk,
                    status=Membership.Status.VERIFIED,
                    role=Membership.Role.REPRESENTATIVE,
                    organisation__kind=Organisation.Kind.VENDOR,
                ).values_list("organisation_id", flat=True)
            ),
        )
    )


def has_elevated_role(user: Any) -> bool:
    """Return whether ``user`` *holds* a role that must be protected by MFA.

    Deliberately ignores MFA (unlike every other role predicate here): used to decide
    whether a second factor is required, not whether the role's rights apply.
    """
    return _holds_admin(user) or _holds_moderator(user) or bool(_held_vendor_ids(user))


def elevated_role_pending_mfa(user: Any) -> bool:
    """Return whether ``user`` holds an elevated role but has no second factor yet.

    Such a person keeps the rights of a plain member until MFA is set up.
    """
    return has_elevated_role(user) and not mfa_enabled(user)


def admin_scope_limited(user: Any) -> bool:
    """Return whether ``user`` may use only the vendor part of the Wagtail admin.

    True for verified vendor representatives who are neither moderators nor admins:
    they enter the admin to edit their own disclosures and roadmaps, and nothing of
    the CMS, its page tree or its admin API (which lists draft page titles).
    """
    return (
        is_verified_vendor_rep(user)
        and not is_moderator(user)
        and not is_site_admin(user)
    )


def can_use_admin(user: Any) -> bool:
    """Return whether ``user`` may enter the Wagtail admin at all.

    Wagtail's own gate (``wagtailadmin.access_admin``): admins, moderators and verified
    vendor representatives, each with MFA (the grant comes from the role backends).
    """
    return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))


# ----------------------------------------------------------------- role predicates


def is_site_admin(user: Any) -> bool:
    """Return whether ``user`` may configure the site (a superuser with MFA)."""
    return _holds_admin(user) and mfa_enabled(user)


def is_moderator(user: Any) -> bool:
    """Return whether ``user`` moderates cop (Moderators group or admin, with MFA)."""
    return _holds_moderator(user) and mfa_enabled(user)


def represented_vendor_ids(user: Any) -> frozenset[int]:
    """Return the IDs of the vendors ``user`` may speak for (empty without MFA)."""
    if not mfa_enabled(user):
        return frozenset()
    return _held_vendor_ids(user)


def is_verified_vendor_rep(user: Any, org: Organisation | int | None = None) -> bool:
    """Return whether ``user`` represents vendor ``org`` (any vendor when ``org`` is None)."""
    ids = represented_vendor_ids(user)
    if org is None:
        return bool(ids)
    org_id = org if isinstance(org, int) else org.pk
    return org_id in ids


def is_library_worker(user: Any) -> bool:
    """Return whether ``user`` has a verified membership of a library organisation.

    Not an elevated role: needs no MFA. Library workers may post under a pseudonym.
    """
    if not _active(user):
        return False
    return bool(
        _memo(
            user,
            "_cop_is_library_worker",
            lambda: Membership.objects.filter(
                user_id=user.pk,
                status=Membership.Status.VERIFIED,
                organisation__kind=Organisation.Kind.LIBRARY,
            ).exists(),
        )
    )


def can_moderate(user: Any, space: Any = None) -> bool:
    """Return whether ``user`` may moderate ``space`` (every space, for now)."""
    return is_moderator(user)


def can_post_pseudonymously(user: Any) -> bool:
    """Return whether ``user`` may post under a pseudonym (library workers only)."""
    return is_library_worker(user)


# ----------------------------------------------------------------- organisations


def can_manage_organisations(user: Any) -> bool:
    """Return whether ``user`` may create and edit any organisation (moderators)."""
    return is_moderator(user)


def can_edit_organisation_profile(user: Any, org: Organisation) -> bool:
    """Return whether ``user`` may edit ``org``'s public description and website.

    Moderators may edit every organisation; a vendor representative only their own.
    """
    return is_moderator(user) or is_verified_vendor_rep(user, org)


def can_request_affiliation(user: Any, org: Organisation, role: str) -> bool:
    """Return whether ``user`` may ask to join ``org`` in ``role``.

    Any signed-in, active member may ask; only vendors have representatives.
    """
    if not _active(user):
        return False
    if role == Membership.Role.REPRESENTATIVE:
        return org.kind == Organisation.Kind.VENDOR
    return role == Membership.Role.MEMBER


def can_review_affiliations(user: Any) -> bool:
    """Return whether ``user`` may see the queue of affiliation requests (moderators)."""
    return is_moderator(user)


def can_invite_representatives(user: Any) -> bool:
    """Return whether ``user`` may invite a vendor's representative by e-mail (moderators)."""
    return is_moderator(user)


def can_decide_affiliation(user: Any, membership: Membership) -> bool:
    """Return whether ``user`` may approve or decline ``membership``.

    Moderators only, and never on their own request (no one verifies themselves).
    """
    return (
        is_moderator(user)
        and membership.user_id != user.pk
        and membership.status == Membership.Status.REQUESTED
    )


def can_revoke_affiliation(user: Any, membership: Membership) -> bool:
    """Return whether ``user`` may revoke verified ``membership`` (moderators, not their own)."""
    return (
        is_moderator(user)
        and membership.user_id != user.pk
        and membership.status == Membership.Status.VERIFIED
    )


def can_withdraw_affiliation(user: Any, membership: Membership) -> bool:
    """Return whether ``user`` may withdraw ``membership`` (their own pending request)."""
    return (
        _active(user)
        and membership.user_id == user.pk
        and membership.status == Membership.Status.REQUESTED
    )


def can_leave_organisation(user: Any, membership: Membership) -> bool:
    """Return whether ``user`` may leave through ``membership`` (their own, verified)."""
    return (
        _active(user)
        and membership.user_id == user.pk
        and membership.status == Membership.Status.VERIFIED
    )


# ----------------------------------------------------------------- suspensions


def can_view_members(user: Any) -> bool:
    """Return whether ``user`` may list members in the admin (moderators)."""
    return is_moderator(user)


def can_suspend(user: Any, target: Any) -> bool:
    """Return whether ``user`` may suspend or unsuspend ``target``.

    Moderators may suspend members; only an admin may suspend a moderator; no one may
    suspend themselves or an admin.
    """
    if not is_moderator(user) or target is None or target.pk == user.pk:
        return False
    if target.is_superuser:
        return False
    # Checked without the "active" shortcut: a suspended moderator is still one.
    # Lists annotate ``in_moderators_group`` so a row costs no query.
    in_group = getattr(target, "in_moderators_group", None)
    if in_group is None:
        in_group = target.groups.filter(name=MODERATORS_GROUP).exists()
    if in_group:
        return is_site_admin(user)
    return True


# ----------------------------------------------------------------- guards


def require_moderator(user: Any) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is a moderator."""
    if not is_moderator(user):
        raise PermissionDenied


def require(allowed: bool) -> None:
    """Raise ``PermissionDenied`` unless ``allowed`` (the result of a predicate here)."""
    if not allowed:
        raise PermissionDenied


# ----------------------------------------------------------------- accessors


def access_organisation(user: Any, slug: str) -> Organisation:
    """Return the organisation ``slug`` (public), or raise ``Http404``."""
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        raise Http404
    return org


def access_organisation_for_edit(user: Any, slug: str) -> Organisation:
    """Return organisation ``slug`` if ``user`` may edit its profile, else ``Http404``.

    A representative of vendor A asking for vendor B gets the same 404 as for a
    slug that does not exist.
    """
    org = Organisation.objects.filter(slug=slug).first()
    if org is None or not can_edit_organisation_profile(user, org):
        raise Http404
    return org


def access_own_membership(user: Any, membership_id: int) -> Membership:
    """Return ``user``'s own membership ``membership_id``, or raise ``Http404``."""
    if not _active(user):
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(pk=membership_id, user_id=user.pk)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def access_pending_membership_for_review(user: Any, membership_id: int) -> Membership:
    """Return pending request ``membership_id`` if ``user`` may decide it, else ``Http404``."""
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(pk=membership_id, status=Membership.Status.REQUESTED)
        .first()
    )
    if membership is None or not can_decide_affiliation(user, membership):
        raise Http404
    return membership


def access_verified_membership_for_revoke(user: Any, membership_id: int) -> Membership:
    """Return verified membership ``membership_id`` if ``user`` may revoke it, else 404."""
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(pk=membership_id, status=Membership.Status.VERIFIED)
        .first()
    )
    if membership is None or not can_revoke_affiliation(user, membership):
        raise Http404
    return membership


def access_member_for_moderation(user: Any, user_id: int) -> Any:
    """Return member ``user_id`` if ``user`` may suspend them, else ``Http404``."""
    from django.contrib.auth import get_user_model

    target = get_user_model().objects.filter(pk=user_id).first()
    if target is None or not can_suspend(user, target):
        raise Http404
    return target


def clear_cached_roles(user: Any) -> None:
    """Forget the roles memoised on ``user`` (after a membership, group or MFA change)."""
    for attr in _CACHE_ATTRS:
        if hasattr(user, attr):
            delattr(user, attr)

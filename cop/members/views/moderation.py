"""Moderators' admin views: the affiliation queue, revocations and suspensions.

Mounted inside the Wagtail admin by ``cop.members.wagtail_hooks`` (so Wagtail's own
admin-access check runs first); each view then asks ``cop.members.permissions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from cop.members import permissions, selectors, services
from cop.members.forms_organisations import DecisionForm, ReasonForm

QUEUE_URL = "community:affiliation_queue"
MEMBERS_URL = "members_admin:index"


def affiliation_queue(request: HttpRequest) -> HttpResponse:
    """List pending requests, vendors left without a representative, latest decisions."""
    permissions.require(permissions.can_review_affiliations(request.user))
    return TemplateResponse(
        request,
        "members/admin/affiliation_queue.html",
        {
            "pending": selectors.affiliation_queue(viewer=request.user),
            "recent": selectors.affiliation_recent_decisions(viewer=request.user),
            "unrepresented": selectors.vendors_without_representative(
                viewer=request.user
            ),
        },
    )


def affiliation_decide(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Approve or decline one pending request; declining needs a reason."""
    membership = permissions.access_pending_membership_for_review(
        request.user, membership_id
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decide = (
            services.affiliation_approve
            if form.cleaned_data["decision"] == "approve"
            else services.affiliation_decline
        )
        try:
            decide(
                actor=request.user,
                membership=membership,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        except PermissionDenied:
            messages.error(request, _("This request has already been decided."))
            return redirect(QUEUE_URL)
        else:
            messages.success(request, _("Decision recorded; the member is told."))
            return redirect(QUEUE_URL)
    return TemplateResponse(
        request,
        "members/admin/affiliation_decide.html",
        {
            "membership": membership,
            "form": form,
            "other_memberships": selectors.membership_list_for_member(
                viewer=membership.user
            ).exclude(pk=membership.pk),
        },
    )


def membership_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Revoke a verified affiliation with a reason the member sees."""
    membership = permissions.access_verified_membership_for_revoke(
        request.user, membership_id
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.affiliation_revoke(
                actor=request.user,
                membership=membership,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(request, _("Affiliation revoked."))
            return redirect(QUEUE_URL)
    return TemplateResponse(
        request,
        "members/admin/membership_revoke.html",
        {"membership": membership, "form": form},
    )


def member_suspend(request: HttpRequest, user_id: int) -> HttpResponse:
    """Suspend a member with a reason: no sign-in, every session ended."""
    target = permissions.access_member_for_moderation(request.user, user_id)
    suspension = selectors.suspension_open_for(user=target)
    form = ReasonForm(request.POST or None, reason_required=suspension is None)
    if request.method == "POST" and form.is_valid():
        action = services.member_unsuspend if suspension else services.member_suspend
        try:
            action(actor=request.user, user=target, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request,
                _("Member reinstated.") if suspension else _("Member suspended."),
            )
            return redirect(MEMBERS_URL)
    return TemplateResponse(
        request,
        "members/admin/member_suspend.html",
        {"member": target, "suspension": suspension, "form": form},
    )

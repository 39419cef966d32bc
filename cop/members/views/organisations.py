"""Public organisation directory and the member's side of affiliations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.members import permissions, selectors, services
from cop.members.forms_organisations import (
    AffiliationRequestForm,
    OrganisationProfileForm,
)
from cop.members.models import Organisation


def _add_service_errors(form: object, exc: ValidationError) -> None:
    form.add_error(None, exc)  # type: ignore[attr-defined]


def organisation_list(request: HttpRequest) -> HttpResponse:
    """List every organisation (public; no personal data)."""
    kind = request.GET.get("kind", "")
    organisations = selectors.organisation_list_public(kind=kind or None)
    return render(
        request,
        "members/organisation_list.html",
        {
            "organisations": organisations,
            "kind": kind if kind in Organisation.Kind.values else "",
            "kinds": Organisation.Kind.choices,
        },
    )


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show one organisation's public page and, to a member, their affiliation."""
    organisation = selectors.organisation_get_public(slug=slug)
    if organisation is None:
        raise Http404
    membership = selectors.membership_get_for_member(
        viewer=request.user, organisation=organisation
    )
    return render(
        request,
        "members/organisation_detail.html",
        {"organisation": organisation, "membership": membership},
    )


@login_required
def organisation_join(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask to join an organisation; fast-tracked when the e-mail domain matches."""
    organisation = permissions.access_organisation(request.user, slug)
    form = AffiliationRequestForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.affiliation_request(
                actor=request.user,
                organisation=organisation,
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error("role", _("You cannot join this organisation in that role."))
        else:
            if membership.is_verified:
                messages.success(request, _("Welcome: your affiliation is verified."))
            else:
                messages.success(request, _("Thank you: a moderator will decide soon."))
            return redirect("members:affiliation_list")
    return render(
        request,
        "members/organisation_join.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Let a representative (or a moderator) edit the organisation's public profile."""
    organisation = permissions.access_organisation_for_edit(request.user, slug)
    form = OrganisationProfileForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_profile_update(
                actor=request.user,
                organisation=organisation,
                website=form.cleaned_data["website"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The organisation's page is updated."))
            return redirect(organisation)
    return render(
        request,
        "members/organisation_edit.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def affiliation_list(request: HttpRequest) -> HttpResponse:
    """Show the member's own affiliations and the outcome of each request."""
    memberships = selectors.membership_list_for_member(viewer=request.user)
    return render(
        request, "members/affiliation_list.html", {"memberships": memberships}
    )


@require_POST
@login_required
def affiliation_withdraw(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Withdraw the member's own pending request."""
    membership = permissions.access_own_membership(request.user, membership_id)
    try:
        services.affiliation_withdraw(actor=request.user, membership=membership)
    except PermissionDenied:
        messages.error(request, _("Only a pending request can be withdrawn."))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("members:affiliation_list")


@require_POST
@login_required
def affiliation_leave(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Leave an organisation the member is verified with."""
    membership = permissions.access_own_membership(request.user, membership_id)
    try:
        services.affiliation_leave(actor=request.user, membership=membership)
    except PermissionDenied:
        messages.error(
            request, _("You are not a verified member of this organisation.")
        )
    else:
        messages.success(
            request,
            _("You have left %(org)s.") % {"org": membership.organisation.name},
        )
    return redirect("members:affiliation_list")

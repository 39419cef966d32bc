"""Invitations of representatives: the moderator's form (admin) and the invitee's page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cop.members import permissions, services
from cop.members.models import AffiliationInvitation, Organisation
from cop.members.services.invitations import invitation_get, invitation_problem


class InvitationForm(forms.Form):
    """Whom to invite, to represent which vendor."""

    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Vendor"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.VENDOR).order_by(
            "name"
        ),
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address of the representative"))
    message = forms.CharField(
        label=gettext_lazy("Message (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def invitation_admin(request: HttpRequest) -> HttpResponse:
    """Invite a vendor's representative by e-mail; list the recent invitations."""
    permissions.require(permissions.can_invite_representatives(request.user))
    form = InvitationForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("community:invitations")
    recent = AffiliationInvitation.objects.select_related(
        "organisation", "accepted_by"
    )[:50]
    return TemplateResponse(
        request,
        "members/admin/invitations.html",
        {"form": form, "recent": recent, "now": timezone.now()},
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show an invitation; a signed-in invitee accepts it with one button."""
    found = invitation_get(token=token)
    problem = invitation_problem(invitation=found)
    if request.method == "POST" and request.user.is_authenticated and not problem:
        try:
            membership = services.invitation_accept(actor=request.user, token=token)
        except ValidationError as error:
            problem = " ".join(error.messages)
        except PermissionDenied:
            problem = _("Your account cannot accept invitations.")
        else:
            messages.success(
                request,
                _(
                    "You now represent %(org)s: “Vendor tools” in the header leads to its disclosures."
                )
                % {"org": membership.organisation.name},
            )
            return redirect("members:affiliation_list")
    return render(
        request,
        "members/invitation.html",
        {"invitation": found, "problem": problem},
        status=404 if found is None else 200,
    )

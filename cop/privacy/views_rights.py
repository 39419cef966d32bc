"""Pages of the members' data rights: delete the account, export the data."""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cop.privacy import permissions, selectors
from cop.privacy.forms import AccountDeleteForm, MemberEraseForm
from cop.privacy.services import erasure, export


@login_required
@reauthentication_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in member's account, after re-authentication."""
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        erasure.member_erase(member=user, actor=user, keep_posts=form.keep_posts)
        logout(request)
        messages.success(request, _("Your account has been deleted."))
        return redirect("/")
    return render(request, "privacy/account_delete.html", {"form": form})


@login_required
def member_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    """Erase a member's account on their request (moderators, with a reason).

    Access is checked before re-authentication, so others get the same 404 as for
    a missing member instead of a password prompt.
    """
    member = permissions.access_erasable_member(request.user, user_id)
    response: HttpResponse = _member_erase_form(request, member)
    return response


@reauthentication_required
def _member_erase_form(request: HttpRequest, member: Any) -> HttpResponse:
    form = MemberEraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.member_erase(
                member=member,
                actor=request.user,
                keep_posts=form.keep_posts,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The account has been erased."))
            return redirect("/")
    context: dict[str, Any] = {"form": form, "member": member}
    return render(request, "privacy/member_erase.html", context)


@login_required
@reauthentication_required
def data_export(request: HttpRequest) -> HttpResponse:
    """Show the member's data exports and ask for a new one (POST)."""
    if request.method == "POST":
        try:
            export.data_export_request(actor=request.user)
        except PermissionDenied:
            return HttpResponse(status=403)
        messages.success(
            request,
            _("Your export is being prepared. We will e-mail you when it is ready."),
        )
        return redirect("data_export")
    context = {
        "exports": selectors.data_export_list(user=request.user),
        "days": export.export_days(),
    }
    return render(request, "privacy/data_export.html", context)


@login_required
def data_export_download(request: HttpRequest, signed: str) -> HttpResponseBase:
    """Send the export file named by a signed link; 404 for any bad link."""
    _export, path = export.access_data_export(user=request.user, signed=signed)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename="cop-data-export.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response

"""Member pages: the public profile and the member's own profile editor."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cop.members import selectors_accounts
from cop.members.forms_accounts import ProfileForm
from cop.members.models import User
from cop.members.services import profiles


def member_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    """Show a member's public page: display name, bio and verified affiliations only."""
    member = selectors_accounts.member_get_public(viewer=request.user, user_id=user_id)
    if member is None:
        raise Http404
    return render(request, "members/profile_detail.html", {"member": member})


@never_cache
@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    """Let the signed-in member change their own display name and bio."""
    user = cast(User, request.user)  # login_required
    form = ProfileForm(
        request.POST or None,
        initial={"display_name": user.display_name, "bio": user.bio},
    )
    if request.method == "POST" and form.is_valid():
        try:
            profiles.profile_update(user=user, **form.cleaned_data)
        except ValidationError as exc:
            user.refresh_from_db(fields=[*profiles.PROFILE_NAME_FIELDS, "bio"])
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect(user.get_absolute_url())
    return render(request, "members/profile_edit.html", {"form": form})

"""Account views that allauth does not provide: the account page, the code of conduct."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cop.members import selectors_accounts
from cop.members.forms_accounts import ConductAcceptForm
from cop.members.hub import account_sections_for
from cop.members.services import conduct


def conduct_detail(request: HttpRequest) -> HttpResponse:
    """Show the code of conduct in force to anyone."""
    version = selectors_accounts.code_of_conduct_current()
    if version is None:
        raise Http404
    return render(request, "members/conduct_detail.html", {"version": version})


def _next_url(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return "/"


@never_cache
@login_required
def conduct_accept(request: HttpRequest) -> HttpResponse:
    """Ask the signed-in member to accept the version in force and record it."""
    version = selectors_accounts.code_of_conduct_pending(user=request.user)
    if version is None:
        return redirect(_next_url(request))
    form = ConductAcceptForm(request.POST or None, initial={"version_id": version.pk})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version_id"] != version.pk:
            # A newer version was published while the page was open: show that one.
            messages.info(
                request, _("The code of conduct changed again; please read it.")
            )
            return redirect(request.get_full_path())
        conduct.code_of_conduct_accept(user=request.user, version=version)
        messages.success(request, _("Thank you for accepting the code of conduct."))
        return redirect(_next_url(request))
    earlier = selectors_accounts.code_of_conduct_acceptance_list(
        user=request.user
    ).exists()
    context = {
        "version": version,
        "form": form,
        "next": _next_url(request),
        "earlier": earlier,
    }
    return render(request, "members/conduct_accept.html", context)


@never_cache
@login_required
@require_safe
def account_hub(request: HttpRequest) -> HttpResponse:
    """Show the member's account: profile, sign-in, notifications, data, in one place."""
    context = {
        **selectors_accounts.account_overview(user=request.user),
        "sections": account_sections_for(request.user),
    }
    return render(request, "members/account_hub.html", context)

"""Admin actions on guides that are not content edits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.guides import permissions, selectors, services, services_working_groups
from cop.guides.models import GuidePage

if TYPE_CHECKING:
    from cop.guides.models import WorkingGroupPage


@require_POST
def guide_mark_reviewed(request: HttpRequest, page_id: int) -> HttpResponse:
    """Mark the guide reviewed today by the moderator who sends the form."""
    if not permissions.can_review_guides(request.user):
        raise Http404
    guide = GuidePage.objects.filter(pk=page_id).first()
    if guide is None:
        raise Http404
    services.guide_mark_reviewed(guide=guide, actor=request.user)
    messages.success(
        request, _("“%(title)s” marked as reviewed today.") % {"title": guide.title}
    )
    return redirect("wagtailadmin_home")


def working_group_listing(
    request: HttpRequest, *, group: WorkingGroupPage
) -> HttpResponse:
    """Show or hide the signed-in member's name on ``group``'s page (POST ``listed``)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = selectors.working_group_membership_of(group=group, user=request.user)
    if membership is None:
        raise Http404
    listed = request.POST.get("listed") == "1"
    services_working_groups.working_group_membership_set_listed(
        membership=membership, actor=request.user, listed=listed
    )
    messages.success(
        request,
        _("Your name is now shown on this page.")
        if listed
        else _("Your name is no longer shown on this page."),
    )
    return redirect(group.url or "/")

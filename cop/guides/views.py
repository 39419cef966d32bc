"""Admin actions on guides that are not content edits."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cop.guides import permissions, services
from cop.guides.models import GuidePage


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

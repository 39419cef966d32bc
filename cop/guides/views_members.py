"""A member's own things on the guides: following sections, saved checklist answers."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cop.guides import permissions, selectors, selectors_members, services_members
from cop.guides.models import FollowedSection

#: The longest answers body accepted (13 items need ~4 kB; the biggest checklist
#: with every "who will" filled stays far below).
ANSWERS_MAX_BYTES = 200_000


@login_required
@require_POST
def section_follow(request: HttpRequest, section: str) -> HttpResponse:
    """Follow (``follow=1``) or stop following the guides or the events in the digest."""
    if section not in FollowedSection.values:
        raise Http404
    following = request.POST.get("follow") == "1"
    try:
        services_members.section_follow_set(
            actor=request.user, section=section, following=following
        )
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    if getattr(request, "htmx", False):  # the one-click menu replaces itself
        return render(
            request,
            "guides/includes/follow_menu.html",
            {
                "follow": selectors_members.section_follow_state(
                    viewer=request.user, section=section
                ),
                "saved": True,
            },
        )
    label = FollowedSection(section).label
    messages.success(
        request,
        _("%(section)s are now in your digest.") % {"section": label}
        if following
        else _("%(section)s are no longer in your digest.") % {"section": label},
    )
    return redirect(_safe_next(request, fallback="members:account"))


def _safe_next(request: HttpRequest, *, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(fallback)


@login_required
@require_http_methods(["GET", "POST"])
def checklist_answers(request: HttpRequest, page_id: int) -> HttpResponse:
    """Return (GET) or save (POST ``answers``, JSON) the member's answers to a checklist."""
    page = permissions.access_checklist_page(request.user, page_id)
    if request.method == "GET":
        saved = selectors_members.checklist_answers_of(viewer=request.user, page=page)
        return JsonResponse(
            {
                "answers": saved.answers if saved is not None else None,
                "saved_at": saved.updated_at.isoformat() if saved else None,
            }
        )
    text = request.POST.get("answers", "")
    checklist = selectors.checklist_get(code=page.framework_code)
    try:
        if len(text) > ANSWERS_MAX_BYTES or checklist is None:
            raise ValidationError(_("The answers could not be read."))
        answers = json.loads(text or "null")
        row = services_members.checklist_answers_save(
            actor=request.user,
            page=page,
            answers=answers,
            item_codes=checklist.item_codes,
        )
    except ValueError:
        return _error(_("The answers could not be read."))
    except ValidationError as error:
        return _error(" ".join(error.messages))
    return JsonResponse(
        {
            "saved": row is not None,
            "count": len(row.answers) if row is not None else 0,
            "saved_at": row.updated_at.isoformat() if row is not None else None,
        }
    )


@login_required
@require_POST
def checklist_answers_delete(request: HttpRequest, page_id: int) -> HttpResponse:
    """Delete the member's saved answers to a checklist (one click)."""
    page = permissions.access_checklist_page(request.user, page_id)
    deleted = services_members.checklist_answers_delete(actor=request.user, page=page)
    return JsonResponse({"deleted": deleted})


def _error(message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=400)

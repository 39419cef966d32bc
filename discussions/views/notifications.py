"""Views: the notifications page, follow levels and the notification settings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from discussions import selectors, services
from discussions.forms.notifications import (
    REMOVE,
    FollowForm,
    NotificationSettingsForm,
)

#: Notifications per page.
PAGE_SIZE = 30
#: Notifications in the header's panel (the page lists the rest).
PANEL_SIZE = 8


def _safe_next(request: HttpRequest, url: str, fallback: str) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


@require_safe
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """List the member's notifications, newest first, unread ones marked.

    Asked by htmx with ``?panel=1`` (the header's control), answer only the latest
    few as the panel's content; the full page is the fallback without JavaScript.
    """
    panel = bool(getattr(request, "htmx", False)) and request.GET.get("panel") == "1"
    page = Paginator(
        selectors.notification_list(viewer=request.user),
        PANEL_SIZE if panel else PAGE_SIZE,
    ).get_page(None if panel else request.GET.get("page"))
    items = [
        (item, selectors.notification_describe(notification=item)) for item in page
    ]
    template = (
        "discussions/includes/notification_panel.html"
        if panel
        else "discussions/notification_list.html"
    )
    response = render(request, template, {"page_obj": page, "items": items})
    response["Vary"] = "HX-Request"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Go to what one notification is about; a POST also marks it read.

    A GET changes nothing, so a link on another site cannot mark anything read.
    """
    item = (
        selectors.notification_list(viewer=request.user)
        .filter(pk=notification_id)
        .first()
    )
    if item is None:
        raise Http404
    if request.method == "POST":
        services.notification_mark_read(actor=request.user, notification_id=item.pk)
    return redirect(selectors.notification_describe(notification=item)["url"])


@require_POST
@login_required
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go back to the list."""
    services.notification_mark_read(actor=request.user, notification_id=notification_id)
    return redirect("discussions:notifications")


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """Mark every notification read."""
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(
        request, _("%(count)d notifications marked read.") % {"count": count}
    )
    return redirect("discussions:notifications")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def follow(request: HttpRequest, target_type: str, target_id: int) -> HttpResponse:
    """Show (GET) or set (POST) the member's follow level on a space, topic, tag, vendor or product."""
    target = selectors.follow_target_get(
        viewer=request.user, target_type=target_type, target_id=target_id
    )
    if target is None:
        raise Http404
    field, obj = target
    if request.method != "POST":
        context = {field if field != "organisation" else "vendor": obj, "target": obj}
        return render(request, "discussions/follow.html", context)
    form = FollowForm(request.POST)
    back = selectors.follow_target_url(field=field, obj=obj)
    in_place = bool(getattr(request, "htmx", False))
    if not form.is_valid():
        if in_place:
            return _follow_menu(request, field, obj, saved=False)
        messages.error(request, _("Choose watching, normal or muted."))
        return redirect(back)
    level = form.cleaned_data["level"]
    try:
        if level == REMOVE:
            services.follow_clear(actor=request.user, **{field: obj})
        else:
            services.follow_set(actor=request.user, level=level, **{field: obj})
    except (PermissionDenied, ValidationError):
        raise Http404 from None
    if in_place:  # the one-click menu replaces itself (htmx)
        return _follow_menu(request, field, obj, saved=True)
    messages.success(request, _("Your follow level was saved."))
    return redirect(_safe_next(request, form.cleaned_data["next"], back))


def _follow_menu(
    request: HttpRequest, field: str, obj: Any, *, saved: bool
) -> HttpResponse:
    """Render the follow menu of ``obj`` as it is now (the htmx answer of ``follow``)."""
    from discussions.templatetags.notification_tags import follow_state

    target = "vendor" if field == "organisation" else field
    state = follow_state(request.user, **{target: obj})
    return render(
        request,
        "discussions/includes/follow_menu.html",
        {"follow": state, "saved": saved},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Show and change instant e-mails, the digest schedule, and the member's follows."""
    row = selectors.notification_settings_get(viewer=request.user)
    form = NotificationSettingsForm(
        request.POST or None, initial=NotificationSettingsForm.initial_for(row)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notification_settings_update(
                actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("discussions:notification_settings")
    follows = [
        selectors.follow_describe(subscription=row)
        for row in selectors.follow_list(viewer=request.user)
    ]
    return render(
        request,
        "discussions/notification_settings.html",
        {
            "form": form,
            "follows": follows,
            "follow_form": FollowForm(),
            "here": reverse("discussions:notification_settings"),
        },
    )


urlpatterns = [
    path("notifications/", notification_list, name="notifications"),
    path(
        "notifications/<int:notification_id>/",
        notification_open,
        name="notification_open",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/", notifications_read_all, name="notifications_read_all"
    ),
    path(
        "follow/<str:target_type>/<int:target_id>/",
        follow,
        name="follow",
    ),
    path(
        "settings/notifications/",
        notification_settings,
        name="notification_settings",
    ),
]

"""Views: a member's reading history setting (opt-in; off by default)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from discussions import services
from discussions.forms.reading import ReadingSettingsForm
from discussions.selectors.reading import reading_history_enabled


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reading_settings(request: HttpRequest) -> HttpResponse:
    """Show and change whether cop remembers what the member has read."""
    enabled = reading_history_enabled(viewer=request.user)
    form = ReadingSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"reading_history": enabled},
    )
    if request.method == "POST" and form.is_valid():
        on = form.cleaned_data["reading_history"]
        deleted = services.reading_history_set(actor=request.user, enabled=on)
        if on:
            messages.success(request, _("Reading history is on."))
        else:
            messages.success(
                request,
                ngettext(
                    "Reading history is off. We deleted the %(count)d record of what you had read.",
                    "Reading history is off. We deleted the %(count)d records of what you had read.",
                    deleted,
                )
                % {"count": deleted}
                if deleted
                else _("Reading history is off. Nothing about what you read is kept."),
            )
        return redirect("discussions:reading_settings")
    return render(
        request,
        "discussions/reading_settings.html",
        {"form": form, "enabled": enabled},
    )


urlpatterns = [
    path("settings/reading/", reading_settings, name="reading_settings"),
]

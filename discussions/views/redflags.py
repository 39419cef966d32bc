"""Views: the vendor's response to a red flag and a moderator's early release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from discussions import permissions, services
from discussions.forms.posting import add_service_errors
from discussions.forms.redflags import RedFlagReleaseForm, RedFlagResponseForm
from discussions.selectors.posts import post_url

if TYPE_CHECKING:
    from discussions.models import Topic
    from vendors.models import RoadmapItem


def _roadmap_items(topic: Topic) -> QuerySet[RoadmapItem]:
    from vendors.models import RoadmapItem

    product = topic.product if topic.product_id else None
    vendor_id = topic.embargo_vendor_id or (
        product.organisation_id if product is not None else None
    )
    if topic.product_id is None or vendor_id is None:
        return RoadmapItem.objects.none()
    return RoadmapItem.objects.filter(
        product_id=topic.product_id, product__organisation_id=vendor_id
    ).order_by("status", "title")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def red_flag_respond(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Let a verified representative of the vendor answer a red flag officially."""
    topic = permissions.access_topic(request.user, topic_id)
    permissions.require(permissions.can_respond_as_vendor(request.user, topic))
    form = RedFlagResponseForm(
        request.POST if request.method == "POST" else None,
        roadmap_items=_roadmap_items(topic),
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.red_flag_respond(
                actor=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                roadmap_item=form.cleaned_data["roadmap_item"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your response was posted."))
            post.topic = topic
            return redirect(post_url(post=post))
    return render(
        request,
        "discussions/redflag_respond.html",
        {"topic": topic, "form": form, "viewer": request.user},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def red_flag_release(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Let a moderator publish a red flag and the vendor's response before the window ends."""
    topic = permissions.access_topic(request.user, topic_id)
    permissions.require_moderator(request.user, topic.space)
    form = RedFlagReleaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.red_flag_release(
                topic=topic, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The red flag is published."))
            return redirect(topic)
    return render(
        request,
        "discussions/redflag_release.html",
        {"topic": topic, "form": form, "viewer": request.user},
    )


urlpatterns = [
    path(
        "t/<int:topic_id>/respond/",
        red_flag_respond,
        name="red_flag_respond",
    ),
    path(
        "t/<int:topic_id>/release/",
        red_flag_release,
        name="red_flag_release",
    ),
]

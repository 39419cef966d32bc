"""Views of moderation: flagging a post, the review queue, moderator actions, the public log.

Every object goes through an ``access_*`` accessor first (404 for missing and
invisible alike), then a ``permissions`` guard (403 for non-moderators); the
services check again and do the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from discussions import permissions, selectors, services
from discussions.forms.moderation import (
    FlagForm,
    PostModerationForm,
    TopicModerationForm,
)

__all__ = ["urlpatterns"]


def _next_or(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _apply(form: Any, call: Callable[[], Any]) -> bool:
    """Run a service call; put its ``ValidationError``/``PermissionDenied`` on ``form``."""
    try:
        call()
    except ValidationError as exc:
        _add_errors(form, exc)
        return False
    except PermissionDenied:
        form.add_error(None, _("You may not do this to this member or topic."))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def post_flag(request: HttpRequest, post_id: int) -> HttpResponse:
    """Ask for a reason and flag a post for the moderators (once per member)."""
    post = permissions.access_post(request.user, post_id)
    permissions.require(permissions.can_flag_post(request.user, post))
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_flag(
                actor=request.user,
                post=post,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) != "already_flagged":
                _add_errors(form, exc)
                return render(
                    request,
                    "discussions/moderation_flag.html",
                    {"post": post, "form": form},
                )
            messages.info(request, exc.messages[0])
        else:
            messages.success(
                request,
                _(
                    "Thank you: the moderators will review this post. The author is not told who flagged it."
                ),
            )
        return redirect(selectors.post_url(post=post))
    return render(
        request, "discussions/moderation_flag.html", {"post": post, "form": form}
    )


@login_required
@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """List pending topics, pending posts and flagged posts with their context."""
    permissions.require_moderator(request.user)
    page_obj = selectors.moderation_queue_page(
        viewer=request.user, page=request.GET.get("page")
    )
    return render(
        request,
        "discussions/moderation_queue.html",
        {"page_obj": page_obj, "items": page_obj.object_list},
    )


@require_safe
def moderation_log(request: HttpRequest) -> HttpResponse:
    """Show the public log: action, space, reason and date, never a name."""
    page_obj = selectors.moderation_log_page(
        viewer=request.user, page=request.GET.get("page")
    )
    return render(
        request,
        "discussions/moderation_log.html",
        {"page_obj": page_obj, "events": page_obj.object_list},
    )


_POST_ACTIONS: dict[str, Callable[..., Any]] = {
    "approve": lambda a, p, d: services.post_approve(
        actor=a, post=p, reason=d["reason"]
    ),
    "reject": lambda a, p, d: services.post_reject(actor=a, post=p, reason=d["reason"]),
    "hide": lambda a, p, d: services.post_hide(actor=a, post=p, reason=d["reason"]),
    "restore": lambda a, p, d: services.post_restore(
        actor=a, post=p, reason=d["reason"]
    ),
    "edit": lambda a, p, d: services.post_moderator_edit(
        actor=a, post=p, body=d["body"], note=d["note"]
    ),
    "suspend": lambda a, p, d: services.member_suspend_from_post(
        actor=a, post=p, reason=d["reason"]
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def moderate_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Show a post's moderation actions (GET) or take one (POST)."""
    post = permissions.access_post(request.user, post_id)
    permissions.require_moderator(request.user, post.topic.space)
    form = PostModerationForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = _POST_ACTIONS[data["action"]]
        if _apply(form, lambda: action(request.user, post, data)):
            messages.success(request, _("Done: the action is in the moderation log."))
            return redirect(_next_or(request, selectors.post_url(post=post)))
    return render(
        request,
        "discussions/moderation_post.html",
        {"post": post, "form": form, "next": _next_or(request, "")},
    )


_TOPIC_ACTIONS: dict[str, Callable[..., Any]] = {
    "approve": lambda a, t, d: services.topic_approve(
        actor=a, topic=t, reason=d["reason"]
    ),
    "reject": lambda a, t, d: services.topic_reject(
        actor=a, topic=t, reason=d["reason"]
    ),
    "lock": lambda a, t, d: services.topic_lock(actor=a, topic=t, reason=d["reason"]),
    "unlock": lambda a, t, d: services.topic_unlock(
        actor=a, topic=t, reason=d["reason"]
    ),
    "pin": lambda a, t, d: services.topic_pin(actor=a, topic=t, reason=d["reason"]),
    "unpin": lambda a, t, d: services.topic_unpin(actor=a, topic=t, reason=d["reason"]),
    "move": lambda a, t, d: services.topic_move(
        actor=a, topic=t, space=d["space"], reason=d["reason"]
    ),
    "merge": lambda a, t, d: services.topic_merge(
        actor=a, source=t, target=d["target"], reason=d["reason"]
    ),
    "duplicate": lambda a, t, d: services.topic_close_duplicate(
        actor=a, topic=t, duplicate_of=d["target"], reason=d["reason"]
    ),
    "slow_mode": lambda a, t, d: services.topic_slow_mode_set(
        actor=a, topic=t, seconds=d["seconds"], reason=d["reason"]
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def moderate_topic(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Show a topic's moderation actions (GET) or take one (POST)."""
    topic = permissions.access_topic(request.user, topic_id)
    permissions.require_moderator(request.user, topic.space)
    form = TopicModerationForm(
        request.POST or None,
        viewer=request.user,
        spaces=selectors.moderation_space_choices(viewer=request.user),
        initial={"seconds": topic.slow_mode_seconds},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = _TOPIC_ACTIONS[data["action"]]
        result: list[Any] = []
        if _apply(form, lambda: result.append(action(request.user, topic, data))):
            messages.success(request, _("Done: the action is in the moderation log."))
            return redirect(_next_or(request, result[0].get_absolute_url()))
    return render(
        request,
        "discussions/moderation_topic.html",
        {"topic": topic, "form": form, "next": _next_or(request, "")},
    )


urlpatterns = [
    path("moderation/", moderation_queue, name="moderation_queue"),
    path("moderation/log/", moderation_log, name="moderation_log"),
    path("moderation/p/<int:post_id>/", moderate_post, name="moderate_post"),
    path("moderation/t/<int:topic_id>/", moderate_topic, name="moderate_topic"),
    path("p/<int:post_id>/flag/", post_flag, name="post_flag"),
]

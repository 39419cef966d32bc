"""Composing pages: a new topic, similar-topic suggestions, replies, edits and actions.

Thin views: parse the form, fetch objects through :mod:`discussions.permissions`
accessors, call one service of :mod:`discussions.services`, and turn its
``ValidationError`` into form errors (keeping the member's text) and its
``PermissionDenied`` into the 403 page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from discussions import permissions, services
from discussions.forms.posting import (
    AcceptAnswerForm,
    PostEditForm,
    ReplyForm,
    TopicForm,
    add_service_errors,
)
from discussions.models import Post, ReviewState, Topic
from discussions.selectors import composing as composing_selectors
from discussions.selectors import posts as post_selectors

WAITING = _("Thank you. Your post waits for a moderator before others can see it.")


def _quoted_post(viewer: Any, topic: Topic, post_id: Any) -> Post | None:
    """Return the readable post ``post_id`` of ``topic``, or None."""
    if not post_id:
        return None
    try:
        post = permissions.access_post(viewer, post_id)
    except Http404:
        return None
    return post if post.topic_id == topic.pk else None


def _preview(request: HttpRequest) -> str | None:
    """Return the posted body rendered as a post, if the "Preview" button was used."""
    if request.method != "POST" or "preview" not in request.POST:
        return None
    from discussions import markup  # the posting core's renderer and sanitiser

    return markup.render_markdown(request.POST.get("body", ""))


@never_cache
@login_required
def topic_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a topic in a space; "Check for similar topics" re-renders with suggestions."""
    space = permissions.access_space(request.user, slug)
    permissions.require(permissions.can_create_topic(request.user, space))
    similar = preview_html = None
    if request.method == "POST" and {"similar", "preview"} & set(request.POST):
        form = TopicForm(initial=request.POST.dict(), viewer=request.user)
        if "similar" in request.POST:
            similar = composing_selectors.topic_similar(
                viewer=request.user, title=request.POST.get("title", "")[:200]
            )
        preview_html = _preview(request)
    else:
        form = TopicForm(request.POST or None, viewer=request.user)
    if (
        request.method == "POST"
        and similar is None
        and preview_html is None
        and form.is_valid()
    ):
        try:
            topic = services.topic_create(
                actor=request.user, space=space, **form.service_kwargs()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if topic.review_state == ReviewState.PENDING:
                messages.info(request, WAITING)
            return redirect(topic.get_absolute_url())
    context = {
        "space": space,
        "form": form,
        "similar": similar,
        "preview_html": preview_html,
        "red_flags_allowed": permissions.can_raise_red_flag(request.user),
    }
    return render(request, "discussions/topic_form.html", context)


@require_safe
@login_required
def topic_similar(request: HttpRequest) -> HttpResponse:
    """Return the partial list of visible topics whose titles resemble ``?title=``."""
    title = request.GET.get("title", "").strip()[:200]
    topics = (
        composing_selectors.topic_similar(viewer=request.user, title=title)
        if title
        else None
    )
    return render(
        request, "discussions/includes/similar_topics.html", {"similar": topics}
    )


@never_cache
@login_required
def post_reply(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Reply to a topic (``?quote=<post id>`` prefills a quote of that post)."""
    topic = permissions.access_topic(request.user, topic_id)
    permissions.require(permissions.can_reply(request.user, topic))
    preview_html = _preview(request)
    if preview_html is not None:
        form = ReplyForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            quote = _quoted_post(request.user, topic, form.cleaned_data["quote"])
            try:
                post = services.post_create(
                    actor=request.user,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    quote_of=quote,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if post.review_state == ReviewState.PENDING:
                    messages.info(request, WAITING)
                return redirect(post_selectors.post_url(post=post))
    else:
        from discussions import markup  # the posting core's Markdown helpers

        quote = _quoted_post(request.user, topic, request.GET.get("quote"))
        initial = (
            {"body": markup.quote_markdown(post=quote), "quote": quote.pk}
            if quote
            else {}
        )
        form = ReplyForm(initial=initial)
    return render(
        request,
        "discussions/post_reply.html",
        {"topic": topic, "form": form, "preview_html": preview_html},
    )


@never_cache
@login_required
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    """Edit a post's body (its author within the edit window, or a moderator)."""
    post = permissions.access_post(request.user, post_id)
    permissions.require(permissions.can_edit_post(request.user, post))
    preview_html = _preview(request)
    if preview_html is not None:
        form = PostEditForm(initial=request.POST.dict())
    else:
        form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and preview_html is None and form.is_valid():
        try:
            post = services.post_edit(
                actor=request.user, post=post, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(post_selectors.post_url(post=post))
    return render(
        request,
        "discussions/post_edit.html",
        {
            "post": post,
            "topic": post.topic,
            "form": form,
            "preview_html": preview_html,
        },
    )


@require_POST
@login_required
def answer_accept(request: HttpRequest, topic_id: int) -> HttpResponse:
    """Accept a post as the question's answer, or withdraw it (``unaccept``)."""
    topic = permissions.access_topic(request.user, topic_id)
    form = AcceptAnswerForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        if form.cleaned_data["unaccept"]:
            services.answer_unaccept(actor=request.user, topic=topic)
        else:
            post = _quoted_post(request.user, topic, form.cleaned_data["post"])
            if post is None:
                raise Http404
            services.answer_accept(actor=request.user, topic=topic, post=post)
            return redirect(post_selectors.post_url(post=post))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(topic.get_absolute_url())


@require_POST
@login_required
def helpful_toggle(request: HttpRequest, post_id: int) -> HttpResponse:
    """Mark a post helpful, or take the mark back."""
    post = permissions.access_post(request.user, post_id)
    try:
        services.helpful_toggle(actor=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post_selectors.post_url(post=post))


urlpatterns = [
    path("s/<slug:slug>/new/", topic_new, name="topic_new"),
    path("similar/", topic_similar, name="topic_similar"),
    path("t/<int:topic_id>/reply/", post_reply, name="post_reply"),
    path("t/<int:topic_id>/accept/", answer_accept, name="answer_accept"),
    path("p/<int:post_id>/edit/", post_edit, name="post_edit"),
    path("p/<int:post_id>/helpful/", helpful_toggle, name="helpful_toggle"),
]

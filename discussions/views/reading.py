"""Reading pages: a space, a tag, a topic, a post's link and history.

Every object comes through :mod:`discussions.permissions` accessors (404 for
"missing" and "not visible" alike) and every list through the selectors, which
apply the same rules. The anonymous responses of the space and topic
pages may be cached (:func:`discussions.cache.cached_for_anonymous`).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from discussions import permissions, services
from discussions.cache import SPACES_SCOPE, cached_for_anonymous, space_slug_scope
from discussions.forms.posting import ReplyForm
from discussions.fragments.lists import (
    FOLLOW_SLOT,
    ListBody,
    follow_control_html,
    list_body_html,
    list_body_render,
    viewer_of,
)
from discussions.fragments.shared import (
    shared_key,
    shared_posts_load,
    shared_posts_versions,
)
from discussions.fragments.thread import ThreadPage, kept_topic, thread_page_for
from discussions.models import Topic, TopicKind
from discussions.selectors import follow_level_for, topic_facts
from discussions.selectors import moderation as moderation_selectors
from discussions.selectors import posts as post_selectors
from discussions.selectors import redflags as redflag_selectors
from discussions.selectors import topics as topic_selectors


def _space_scopes(request: HttpRequest, slug: str, **kwargs: Any) -> list[str]:
    # Keyed on the slug, so that a cache hit runs no query.
    return ["site", space_slug_scope(slug)]


def _topic_scopes(request: HttpRequest, topic_id: int, **kwargs: Any) -> list[str]:
    # "spaces": a change to any space as such (e.g. its visibility) drops the page.
    return [f"topic:{topic_id}", SPACES_SCOPE]


def _topic_page(
    request: HttpRequest, viewer: Any, space: Any = None, **filters: Any
) -> Any:
    page = topic_selectors.topic_page(
        viewer=viewer, page=request.GET.get("page"), space=space, **filters
    )
    page.object_list = topic_selectors.topic_rows_prepare(
        topics=list(page.object_list), space=space
    )
    return page


def _space_topics(
    request: HttpRequest, viewer: Any, space: Any, kind: str, tag_slug: str
) -> ListBody:
    tag = topic_selectors.tag_get(viewer=viewer, slug=tag_slug) if tag_slug else None
    if tag_slug and tag is None:
        page_obj = Paginator(Topic.objects.none(), 1).get_page(1)
    else:
        page_obj = _topic_page(request, viewer, space, kind=kind or None, tag=tag)
    context = {
        "space": space,
        "viewer": viewer,
        "follow_control": FOLLOW_SLOT,
        "page_obj": page_obj,
        "kind": kind,
        "kinds": TopicKind.choices,
        "tag_slug": tag_slug,
        "tag": tag,
    }
    times = [topic.last_activity_at for topic in page_obj.object_list]
    return list_body_render(
        "discussions/includes/space_topics.html", context, request=request, times=times
    )


@require_safe
@cached_for_anonymous(_space_scopes)
def space_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """List a space's topics, pinned first, filtered by type and tag (``?kind=&tag=``).

    The page's body is shared by the members with the same reading rights
    (:mod:`discussions.fragments.lists`); the follow control is the viewer's.
    """
    viewer = viewer_of(request)
    space = permissions.access_space(viewer, slug)
    kind = request.GET.get("kind", "")
    kind = kind if kind in TopicKind.values else ""
    tag_slug = request.GET.get("tag", "")[:40]
    body = list_body_html(
        request=request,
        viewer=viewer,
        scopes=_space_scopes(request, slug),
        parts=["space", str(space.pk), slug],
        build=lambda: _space_topics(request, viewer, space, kind, tag_slug),
    )
    follow = follow_control_html(request, viewer, space=space)
    # Both parts are rendered templates (the follow control's token escaped).
    page_body = mark_safe(body.replace(FOLLOW_SLOT, follow))  # noqa: S308
    context = {"space": space, "topics_body": page_body}
    return render(request, "discussions/space_detail.html", context)


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """List the topics with a tag across the spaces the viewer may read.

    The list is shared by the members with the same reading rights
    (:mod:`discussions.fragments.lists`).
    """
    viewer = viewer_of(request)
    tag = topic_selectors.tag_get(viewer=viewer, slug=slug)
    if tag is None:
        raise Http404

    def build() -> ListBody:
        page_obj = _topic_page(request, viewer, tag=tag)
        times = [topic.last_activity_at for topic in page_obj.object_list]
        return list_body_render(
            "discussions/includes/tag_topics.html",
            {"tag": tag, "page_obj": page_obj},
            request=request,
            times=times,
        )

    body = list_body_html(
        request=request,
        viewer=viewer,
        scopes=["site"],
        parts=["tag", str(tag.pk), tag.slug, tag.name],
        build=build,
    )
    context = {"tag": tag, "topics_body": body}
    return render(request, "discussions/tag_detail.html", context)


def _kept_topic(viewer: Any, topic_id: int, versions: list[str] | None) -> Any:
    # The kept topic when the viewer may read it (else None: the accessor decides),
    # with the viewer's follow level as access_topic gives it.
    if versions is None:
        return None
    topic = kept_topic(topic_id=topic_id, versions=versions)
    if topic is None or not permissions.can_read_topic(viewer, topic):
        return None
    level = follow_level_for(viewer=viewer, topic=topic)
    viewer_id = viewer.pk if permissions.is_active_member(viewer) else None
    topic.follow_level_of = (viewer_id, level)
    return topic


def _thread_page(
    viewer: Any, topic: Topic, page: Any, versions: list[str] | None
) -> ThreadPage:
    # Readers who do not moderate share a kept page; moderators (who see every
    # post with their controls) and a page without the cache query it.
    if versions is not None and not permissions.can_moderate(viewer, topic.space):
        return thread_page_for(viewer=viewer, topic=topic, page=page, versions=versions)
    page_obj = post_selectors.post_page(viewer=viewer, topic=topic, page=page)
    posts = list(page_obj.object_list)
    accepted = post_selectors.accepted_answer_get(
        viewer=viewer, topic=topic, page_posts=posts
    )
    has_opening = bool(posts) and posts[0].number == 1
    shared_posts = shared_posts_load(
        topic=topic,
        items=[(post, False) for post in posts]
        + ([(accepted, True)] if accepted and has_opening else []),
        versions=versions,
    )
    tags = topic_facts.topic_tags(topic=topic)
    return ThreadPage(page_obj, accepted, shared_posts, tags)


@require_safe
@cached_for_anonymous(_topic_scopes)
def topic_detail(request: HttpRequest, topic_id: int, slug: str) -> HttpResponse:
    """Show a topic: its links, the accepted answer and one page of its posts.

    A topic merged into another redirects to it (when the viewer may read it).
    The posts' shared markup is reused across viewers (:mod:`discussions.fragments.shared`),
    and for readers who do not moderate the whole page of posts
    (:mod:`discussions.fragments.thread`); its versions are read before the topic
    is loaded.
    """
    viewer = viewer_of(request)
    versions = shared_posts_versions(topic_id=topic_id)
    topic = _kept_topic(viewer, topic_id, versions)
    if topic is None:
        try:
            topic = permissions.access_topic(viewer, topic_id)
        except Http404:
            target = moderation_selectors.topic_merge_target(
                viewer=viewer, topic_id=topic_id
            )
            if target is None:
                raise
            return redirect(target.get_absolute_url(), permanent=False)
    if slug != (topic.slug or "-"):
        query = f"?{request.GET.urlencode()}" if request.GET else ""
        return redirect(f"{topic.get_absolute_url()}{query}", permanent=True)
    thread = _thread_page(viewer, topic, request.GET.get("page"), versions)
    posts = list(thread.page_obj.object_list)
    if posts:  # stores nothing (and runs no query) without reading history
        services.read_state_after_view(
            viewer=viewer, topic=topic, last_number=posts[-1].number
        )
    has_opening = bool(posts) and posts[0].number == 1
    can_reply = permissions.can_reply(viewer, topic)
    can_accept = permissions.can_accept_answer(viewer, topic)
    accepted: Any = thread.accepted
    helpful_ids = post_selectors.helpful_post_ids_for_page(viewer=viewer, posts=posts)
    # What the viewer may do with each post, asked once per post (no query).
    post_selectors.post_viewer_facts_attach(
        viewer=viewer,
        topic=topic,
        posts=[*posts, accepted] if accepted and accepted not in posts else posts,
        helpful_ids=helpful_ids,
        can_reply=can_reply,
        can_accept=can_accept,
    )
    context = {
        "topic": topic,
        "space": topic.space,
        "shared_posts": thread.shared_posts,
        "page_obj": thread.page_obj,
        "posts": posts,
        "opening": posts[0] if has_opening else None,
        "replies": posts[1:] if has_opening else posts,
        "viewer": viewer,
        "closure_reason": topic_facts.topic_closure_reason(topic=topic),
        "duplicate_target": topic_facts.topic_duplicate_target(
            viewer=viewer, topic=topic
        ),
        "can_accept": can_accept,
        "red_flag_response": redflag_selectors.red_flag_response(
            viewer=viewer, topic=topic
        ),
        "tags": thread.tags,
        # The head of the page is kept per version (none without the cache).
        "page_key": shared_key(versions) if versions is not None else "",
        "follow_level": follow_level_for(viewer=viewer, topic=topic),  # no query
        "accepted": accepted,
        "helpful_ids": helpful_ids,
        "can_reply": can_reply,
        # The template makes the empty form (it calls it) only when it is not kept.
        "reply_form": ReplyForm if can_reply else None,
    }
    return render(request, "discussions/topic_detail.html", context)


@require_safe
def post_link(request: HttpRequest, post_id: int) -> HttpResponse:
    """Redirect to the topic page that holds a post, at its anchor."""
    post = permissions.access_post(request.user, post_id)
    return redirect(post_selectors.post_url(post=post))


@require_safe
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    """Show a post's earlier versions with their time, editor and note."""
    post = permissions.access_post(request.user, post_id)
    context = {
        "post": post,
        "topic": post.topic,
        "revisions": post_selectors.post_revisions(post=post),
    }
    return render(request, "discussions/post_history.html", context)


urlpatterns = [
    path("s/<slug:slug>/", space_detail, name="space"),
    path("tags/<slug:slug>/", tag_detail, name="tag"),
    path("t/<int:topic_id>/<slug:slug>/", topic_detail, name="topic"),
    path("p/<int:post_id>/", post_link, name="post_link"),
    path("p/<int:post_id>/history/", post_history, name="post_history"),
]

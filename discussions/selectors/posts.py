"""Post pages, the accepted answer, helpful marks, edit history and post URLs.

A topic's posts are paged by their number: page ``N`` holds posts
``(N - 1) * POSTS_PER_PAGE + 1`` to ``N * POSTS_PER_PAGE``. A post's page is
then the same for every viewer (a link to it never depends on what else the
viewer may see) and :func:`post_url` needs no query. Posts a viewer may not see
leave a gap; hidden posts stay in place as a placeholder.

Owner while the discussions are built: H1b.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from discussions import permissions
from discussions.models import HelpfulMark, Post, PostRevision, ReviewState

if TYPE_CHECKING:
    from discussions.models import Topic

__all__ = [
    "POSTS_PER_PAGE",
    "PostViewerFacts",
    "accepted_answer_get",
    "helpful_post_ids",
    "post_page",
    "post_page_number",
    "post_revisions",
    "post_url",
    "post_viewer_facts_attach",
]

#: Posts per page of a topic.
POSTS_PER_PAGE = 25


def post_page_number(number: int) -> int:
    """Return the page of a topic that holds post ``number``."""
    return max(number - 1, 0) // POSTS_PER_PAGE + 1


def post_url(*, post: Post) -> str:
    """Return the URL of ``post``: its topic's page that holds it, with an anchor."""
    page = post_page_number(post.number)
    query = f"?page={page}" if page > 1 else ""
    return f"{post.topic.get_absolute_url()}{query}#post-{post.number}"


class _NumberedPostPaginator(Paginator):
    """Pages a topic's posts by post number (see the module docstring)."""

    def __init__(self, posts: QuerySet[Post], *, topic: Topic) -> None:
        super().__init__(posts, POSTS_PER_PAGE)
        self._topic = topic

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._topic.last_post_number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page + 1
        posts = list(
            self.object_list.filter(number__gte=first, number__lt=first + self.per_page)
        )
        for post in posts:
            post.topic = self._topic  # the page's topic: no query per post
        return self._get_page(posts, number, self)


def _thread_q(viewer: Any) -> Q:
    # An empty Q() (a moderator's "everything") vanishes when OR-ed with another
    # Q, so it must be returned on its own.
    if permissions.can_moderate(viewer):
        return Q()
    # Hidden (approved) posts stay in the thread as a placeholder for everyone.
    return permissions.visible_post_q(viewer) | Q(
        review_state=ReviewState.APPROVED, hidden_at__isnull=False
    )


def post_page(*, viewer: Any, topic: Topic, page: Any) -> Page:
    """Return page ``page`` of ``topic``'s posts as ``viewer`` sees them (one query).

    An invalid or out-of-range ``page`` gives the first or the last page. Each
    post's ``topic`` is the given topic object and its author and organisation are
    joined. The caller has checked that ``viewer`` may read ``topic``.
    """
    posts = (
        Post.objects.filter(topic_id=topic.pk)
        .filter(_thread_q(viewer))
        .select_related("author", "organisation")
        .order_by("number")
    )
    return _NumberedPostPaginator(posts, topic=topic).get_page(page)


def accepted_answer_get(
    *, viewer: Any, topic: Topic, page_posts: list[Post] | tuple[Post, ...] = ()
) -> Post | None:
    """Return ``topic``'s accepted answer if ``viewer`` may read it, else None.

    Reuses the post from ``page_posts`` when it is on the current page; otherwise
    costs one query (none when the topic has no accepted answer).
    """
    if topic.accepted_answer_id is None:
        return None
    answer = next((p for p in page_posts if p.pk == topic.accepted_answer_id), None)
    if answer is None:
        answer = (
            Post.objects.filter(pk=topic.accepted_answer_id)
            .select_related("author", "organisation")
            .first()
        )
        if answer is None:
            return None
        answer.topic = topic
    return answer if permissions.can_see_post_body(viewer, answer) else None


def helpful_post_ids(*, viewer: Any, post_ids: list[int]) -> set[int]:
    """Return which of ``post_ids`` ``viewer`` marked helpful (one query; none if anonymous)."""
    if not permissions.is_active_member(viewer) or not post_ids:
        return set()
    return set(
        HelpfulMark.objects.filter(user_id=viewer.pk, post_id__in=post_ids).values_list(
            "post_id", flat=True
        )
    )


def post_revisions(*, post: Post) -> QuerySet[PostRevision]:
    """Return ``post``'s earlier bodies, oldest first, with their editors."""
    return PostRevision.objects.filter(post_id=post.pk).select_related("edited_by")


@dataclass(frozen=True, slots=True)
class PostViewerFacts:
    """What one viewer may do with one post on the topic page (see ``post_viewer_facts_attach``)."""

    can_see_body: bool
    can_mark_helpful: bool
    marked_helpful: bool
    can_edit: bool
    can_flag: bool
    can_quote: bool
    can_accept: bool
    moderates: bool


def post_viewer_facts_attach(
    *,
    viewer: Any,
    topic: Topic,
    posts: list[Post] | tuple[Post, ...],
    helpful_ids: set[int] | frozenset[int],
    can_reply: bool,
    can_accept: bool,
    now: datetime | None = None,
) -> None:
    """Set ``post.viewer_facts`` (a :class:`PostViewerFacts`) on each of ``posts``.

    Every answer comes from :mod:`discussions.permissions`, asked once per post in
    Python (no query: the viewer's roles are memoised), so the page's template
    does not call a filter per post and per rule. ``helpful_ids`` are the posts
    the viewer marked helpful (:func:`helpful_post_ids`); ``can_reply`` and
    ``can_accept`` are the viewer's rights on ``topic``.
    """
    now = now or timezone.now()
    moderates = permissions.can_moderate(viewer, topic.space)
    for post in posts:
        shown = post.is_visible_to_all
        post.viewer_facts = PostViewerFacts(
            can_see_body=permissions.can_see_post_body(viewer, post),
            can_mark_helpful=permissions.can_mark_helpful(viewer, post),
            marked_helpful=post.pk in helpful_ids,
            can_edit=permissions.can_edit_post(viewer, post, now=now),
            can_flag=permissions.can_flag_post(viewer, post),
            can_quote=can_reply and shown,
            can_accept=can_accept and post.number > 1 and shown,
            moderates=moderates,
        )

"""Post pages, the accepted answer, helpful marks, edit history and post URLs.

A topic's posts are paged by their number: page ``N`` holds posts
``(N - 1) * POSTS_PER_PAGE + 1`` to ``N * POSTS_PER_PAGE``. A post's page is
then the same for every viewer (a link to it never depends on what else the
viewer may see) and :func:`post_url` needs no query. Posts a viewer may not see
leave a gap; hidden posts stay in place as a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from cop.core.prepared import PreparedQuery
from discussions import permissions
from discussions.models import (
    POSTS_PER_PAGE,
    HelpfulMark,
    Post,
    PostRevision,
    ReviewState,
    post_page_number,
)

if TYPE_CHECKING:
    from discussions.models import Topic

__all__ = [
    "POSTS_PER_PAGE",
    "PostViewerFacts",
    "accepted_answer_every",
    "accepted_answer_get",
    "helpful_post_ids",
    "helpful_post_ids_for_page",
    "post_bodies",
    "post_in_thread",
    "post_page",
    "post_page_number",
    "post_revisions",
    "post_url",
    "post_viewer_facts_attach",
    "thread_posts_every",
    "thread_posts_load",
]


def post_url(*, post: Post) -> str:
    """Return the URL of ``post``: its topic's page that holds it, with an anchor."""
    return post.get_absolute_url()


# Paginator is generic only in the type stubs.
if TYPE_CHECKING:
    _PostPaginator = Paginator[Post]
else:
    _PostPaginator = Paginator


class _NumberedPostPaginator(_PostPaginator):
    """Pages a topic's posts by post number (see the module docstring).

    ``load(first, end)`` returns the visible posts numbered ``first`` to ``end - 1``.
    """

    def __init__(self, load: Callable[[int, int], list[Post]], *, topic: Topic) -> None:
        super().__init__([], POSTS_PER_PAGE)
        self._load = load
        self._topic = topic

    @property
    def count(self) -> int:
        return self._topic.last_post_number

    def page(self, number: Any) -> Page[Post]:
        number = self.validate_number(number)
        first = (number - 1) * self.per_page + 1
        posts = self._load(first, first + self.per_page)
        for post in posts:
            post.topic = self._topic  # the page's topic: no query per post
        return Page(posts, number, self)


def _thread_q(viewer: Any) -> Q:
    # An empty Q() (a moderator's "everything") vanishes when OR-ed with another
    # Q, so it must be returned on its own.
    if permissions.can_moderate(viewer):
        return Q()
    # Hidden (approved) posts stay in the thread as a placeholder for everyone.
    return permissions.visible_post_q(viewer) | Q(
        review_state=ReviewState.APPROVED, hidden_at__isnull=False
    )


def _thread_posts(viewer: Any, topic_id: int, first: int, end: int) -> Any:
    return (
        Post.objects.filter(topic_id=topic_id, number__gte=first, number__lt=end)
        .filter(_thread_q(viewer))
        .select_related("author", "organisation")
        .order_by("number")
    )


class _ThreadViewer:
    """A stand-in viewer for compiling :func:`_thread_q`'s shape of one role."""

    is_authenticated = True
    is_active = True

    def __init__(self, pk: int, *, moderator: bool) -> None:
        self.pk = pk
        self._cop_mfa_enabled = moderator
        self._cop_holds_moderator = moderator
        self.is_superuser = False


def _marked_by(posts: Any, viewer_id: int) -> Any:
    """Annotate ``viewer_marked``: whether ``viewer_id`` marked each post helpful."""
    return posts.annotate(
        viewer_marked=Exists(
            HelpfulMark.objects.filter(post_id=OuterRef("pk"), user_id=viewer_id)
        )
    )


_SLOT_VIEWER = 2_101_999_201


# One compiled query per shape of _thread_q: a moderator's (every post) and a
# member's (public, hidden placeholders and their own); visitors use the ORM.
# Both carry the member's helpful marks (``viewer_marked``) in the same statement.
def _thread_page_query(*, moderator: bool) -> PreparedQuery:
    def build(viewer_id: int, topic_id: int, first: int, end: int) -> Any:
        viewer = _ThreadViewer(viewer_id, moderator=moderator)
        return _marked_by(_thread_posts(viewer, topic_id, first, end), viewer_id)

    return PreparedQuery(
        build,
        viewer_id=_SLOT_VIEWER,
        topic_id=2_101_999_202,
        first=2_101_999_203,
        end=2_101_999_204,
    )


_THREAD_PAGE = {
    "moderator": _thread_page_query(moderator=True),
    "member": _thread_page_query(moderator=False),
}


def thread_posts_load(
    *, viewer: Any, topic_id: int, first: int, end: int
) -> list[Post]:
    """Return the posts numbered ``first`` to ``end - 1`` that ``viewer`` sees in the thread.

    The same rows as :func:`_thread_posts` (a test compares them for every role),
    from a query compiled once per role shape. For members each post also carries
    ``viewer_marked`` (see :func:`helpful_post_ids_for_page`).
    """
    if not permissions.is_active_member(viewer):
        return list(_thread_posts(viewer, topic_id, first, end))
    shape = "moderator" if permissions.can_moderate(viewer) else "member"
    rows = _THREAD_PAGE[shape].all(
        viewer_id=viewer.pk, topic_id=topic_id, first=first, end=end
    )
    return cast("list[Post]", list(rows))


def post_in_thread(viewer: Any, post: Any) -> bool:
    """Return whether ``viewer`` sees ``post`` in its topic's thread (:func:`_thread_q` in Python).

    Its body, or the placeholder of a hidden approved post. Reads only the post's
    author, review and hidden state (a ``Post`` or a kept row).
    """
    return permissions.can_see_post_body(viewer, post) or (
        post.review_state == ReviewState.APPROVED and post.hidden_at is not None
    )


def thread_posts_every(*, topic: Topic, first: int, end: int) -> list[Post]:
    """Return every post of ``topic`` numbered ``first`` to ``end - 1``, whoever may see it.

    For a page kept for many viewers: the caller selects each viewer's posts with
    :func:`post_in_thread`. Author and organisation joined; ``topic`` set.
    """
    posts = list(
        Post.objects.filter(topic_id=topic.pk, number__gte=first, number__lt=end)
        .select_related("author", "organisation")
        .order_by("number")
    )
    for post in posts:
        post.topic = topic
    return posts


def post_bodies(*, post_ids: list[int]) -> dict[int, str]:
    """Return the body HTML of posts ``post_ids`` (one query; none for no IDs).

    The caller has checked that the viewer may read each of them.
    """
    if not post_ids:
        return {}
    return dict(Post.objects.filter(pk__in=post_ids).values_list("pk", "body_html"))


def post_page(
    *,
    viewer: Any,
    topic: Topic,
    page: Any,
    load: Callable[[int, int], list[Any]] | None = None,
) -> Page[Post]:
    """Return page ``page`` of ``topic``'s posts as ``viewer`` sees them (one query).

    An invalid or out-of-range ``page`` gives the first or the last page. Each
    post's ``topic`` is the given topic object and its author and organisation are
    joined. The caller has checked that ``viewer`` may read ``topic``. ``load(first,
    end)``, when given, returns the page's posts instead of the query (e.g. from a
    kept page, already selected for ``viewer``).
    """

    def query(first: int, end: int) -> list[Post]:
        return thread_posts_load(viewer=viewer, topic_id=topic.pk, first=first, end=end)

    return _NumberedPostPaginator(load or query, topic=topic).get_page(page)


def accepted_answer_get(
    *, viewer: Any, topic: Topic, page_posts: list[Post] | tuple[Post, ...] = ()
) -> Post | None:
    """Return ``topic``'s accepted answer if ``viewer`` may read it, else None.

    Reuses the post from ``page_posts`` when it is on the current page; otherwise
    costs one query (none when the topic has no accepted answer).
    """
    answer = accepted_answer_every(topic=topic, page_posts=page_posts)
    if answer is None:
        return None
    return answer if permissions.can_see_post_body(viewer, answer) else None


def accepted_answer_every(
    *, topic: Topic, page_posts: list[Post] | tuple[Post, ...] = ()
) -> Post | None:
    """Return ``topic``'s accepted answer, whoever may read it (the caller selects).

    Reuses the post from ``page_posts``; otherwise one query (none without one).
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
        if answer is not None:
            answer.topic = topic
    return answer


def helpful_post_ids(*, viewer: Any, post_ids: list[int]) -> set[int]:
    """Return which of ``post_ids`` ``viewer`` marked helpful (one query; none if anonymous)."""
    if not permissions.is_active_member(viewer) or not post_ids:
        return set()
    return set(
        HelpfulMark.objects.filter(user_id=viewer.pk, post_id__in=post_ids).values_list(
            "post_id", flat=True
        )
    )


def _marks_in_range(viewer_id: int, topic_id: int, first: int, end: int) -> Any:
    return HelpfulMark.objects.filter(
        user_id=viewer_id,
        post__topic_id=topic_id,
        post__number__gte=first,
        post__number__lt=end,
    ).only("id", "post_id")


_MARKS_IN_RANGE = PreparedQuery(
    _marks_in_range,
    viewer_id=2_101_999_211,
    topic_id=2_101_999_212,
    first=2_101_999_213,
    end=2_101_999_214,
)


def helpful_post_ids_for_page(*, viewer: Any, posts: list[Post]) -> set[int]:
    """Return which of ``posts`` (one page of one topic) ``viewer`` marked helpful.

    What :func:`helpful_post_ids` answers, asked by topic and number range so that
    the query has one shape for every page (compiled once, cop.core.prepared).
    """
    if not permissions.is_active_member(viewer) or not posts:
        return set()
    if all(hasattr(post, "viewer_marked") for post in posts):  # thread_posts_load's
        return {post.pk for post in posts if post.viewer_marked}
    topic_ids = {post.topic_id for post in posts}
    if len(topic_ids) != 1:
        return helpful_post_ids(viewer=viewer, post_ids=[p.pk for p in posts])
    numbers = [post.number for post in posts]
    marked = {
        mark.post_id
        for mark in cast(
            "Iterator[Any]",
            _MARKS_IN_RANGE.all(
                viewer_id=viewer.pk,
                topic_id=topic_ids.pop(),
                first=min(numbers),
                end=max(numbers) + 1,
            ),
        )
    }
    return marked & {post.pk for post in posts}


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

"""Who may read spaces, topics and posts: predicates for one object, ``Q`` builders for lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cop.members import permissions as member_permissions
from discussions.models import EmbargoState, Post, ReviewState, Space, Topic, Visibility


def is_active_member(user: Any) -> bool:
    """Return whether ``user`` is signed in with an active (not suspended) account."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _group_ids(user: Any) -> frozenset[int]:
    return member_permissions.group_ids(user)


def can_moderate(user: Any, space: Space | None = None) -> bool:
    """Return whether ``user`` may moderate ``space`` (moderators with MFA)."""
    return member_permissions.can_moderate(user, space)


def can_manage_spaces(user: Any, action: str = "change") -> bool:
    """Return whether ``user`` may ``action`` spaces in the admin (moderators; delete: admins)."""
    if action == "delete":
        return member_permissions.is_site_admin(user)
    return can_moderate(user)


def _reads_library_spaces(user: Any) -> bool:
    # A vendor representative never reads a library-workers-only space, even if
    # they also hold a library membership: "no vendor can read it".
    return member_permissions.is_library_worker(
        user
    ) and not member_permissions.is_verified_vendor_rep(user)


# ----------------------------------------------------------------- spaces


def readable_space_q(viewer: Any, prefix: str = "") -> Q:
    """Return a ``Q`` over ``Space`` (or a relation via ``prefix``) for readable spaces."""

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    if can_moderate(viewer):
        return Q()
    allowed = q(visibility=Visibility.PUBLIC)
    if is_active_member(viewer):
        allowed |= q(visibility=Visibility.MEMBERS)
        if _reads_library_spaces(viewer):
            allowed |= q(visibility=Visibility.LIBRARY_WORKERS)
        groups = _group_ids(viewer)
        if groups:
            allowed |= q(
                visibility=Visibility.WORKING_GROUP, working_group_id__in=sorted(groups)
            )
    return allowed


def can_read_space(viewer: Any, space: Space) -> bool:
    """Return whether ``viewer`` may read ``space`` and its topics."""
    if can_moderate(viewer):
        return True
    if space.visibility == Visibility.PUBLIC:
        return True
    if not is_active_member(viewer):
        return False
    if space.visibility == Visibility.MEMBERS:
        return True
    if space.visibility == Visibility.LIBRARY_WORKERS:
        return _reads_library_spaces(viewer)
    return space.working_group_id in _group_ids(viewer)


# ----------------------------------------------------------------- topics


def visible_topic_q(viewer: Any, prefix: str = "") -> Q:
    """Return a ``Q`` over ``Topic`` (or a relation via ``prefix``) for visible topics."""

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    space_q = readable_space_q(viewer, prefix=f"{prefix}space__")
    if can_moderate(viewer):
        return space_q & q(merged_into__isnull=True)
    base = space_q & q(merged_into__isnull=True, hidden_at__isnull=True)
    public_state = q(review_state=ReviewState.APPROVED) & ~q(
        embargo_state=EmbargoState.EMBARGOED
    )
    if not is_active_member(viewer):
        return base & public_state
    own = q(author_id=viewer.pk) & ~q(review_state=ReviewState.REJECTED)
    vendor_ids = member_permissions.represented_vendor_ids(viewer)
    allowed = public_state | own
    if vendor_ids:
        allowed |= q(
            review_state=ReviewState.APPROVED,
            embargo_state=EmbargoState.EMBARGOED,
            embargo_vendor_id__in=sorted(vendor_ids),
        )
    return base & allowed


def logged_topic_q(viewer: Any, prefix: str = "") -> Q:
    """Return a ``Q`` over ``Topic`` for topics whose moderation entries ``viewer`` may see.

    The rule of :func:`visible_topic_q`, with what moderation itself does set aside:
    a hidden or merged topic keeps its entries (that it was hidden is what the log
    is for), while the space, review and embargo rules apply as on every other
    surface. An entry about an embargoed red flag becomes public when the embargo
    is released, and one about a topic that never passed review never does.
    """

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    space_q = readable_space_q(viewer, prefix=f"{prefix}space__")
    if can_moderate(viewer):
        return space_q
    allowed = q(review_state=ReviewState.APPROVED) & ~q(
        embargo_state=EmbargoState.EMBARGOED
    )
    if is_active_member(viewer):
        allowed |= q(author_id=viewer.pk) & ~q(review_state=ReviewState.REJECTED)
        vendor_ids = member_permissions.represented_vendor_ids(viewer)
        if vendor_ids:
            allowed |= q(
                review_state=ReviewState.APPROVED,
                embargo_state=EmbargoState.EMBARGOED,
                embargo_vendor_id__in=sorted(vendor_ids),
            )
    return space_q & allowed


def can_read_topic(viewer: Any, topic: Topic) -> bool:
    """Return whether ``viewer`` may read ``topic`` (the same rule as :func:`visible_topic_q`)."""
    if topic.merged_into_id is not None or not can_read_space(viewer, topic.space):
        return False
    if can_moderate(viewer):
        return True
    if topic.hidden_at is not None:
        return False
    is_author = is_active_member(viewer) and topic.author_id == viewer.pk
    if topic.review_state == ReviewState.REJECTED:
        return False
    if topic.review_state == ReviewState.PENDING:
        return is_author
    if topic.embargo_state == EmbargoState.EMBARGOED:
        return is_author or member_permissions.is_verified_vendor_rep(
            viewer, topic.embargo_vendor_id
        )
    return True


def can_know_tag(viewer: Any, tag: Any) -> bool:
    """Return whether ``viewer`` may learn that ``tag`` exists: it labels a topic they can read."""
    return Topic.objects.filter(visible_topic_q(viewer), tags=tag).exists()


# ----------------------------------------------------------------- posts


def visible_post_q(viewer: Any, prefix: str = "") -> Q:
    """Return a ``Q`` over ``Post`` for posts whose body ``viewer`` may read in a readable topic.

    Combine with :func:`visible_topic_q` (prefix ``topic__``) for lists across topics.
    """

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    if can_moderate(viewer):
        return Q()
    public = q(review_state=ReviewState.APPROVED, hidden_at__isnull=True)
    if not is_active_member(viewer):
        return public
    return public | (q(author_id=viewer.pk) & ~q(review_state=ReviewState.REJECTED))


def can_see_post_body(viewer: Any, post: Post) -> bool:
    """Return whether ``viewer`` may read ``post``'s body (topic readability aside)."""
    if can_moderate(viewer):
        return True
    if is_active_member(viewer) and post.author_id == viewer.pk:
        return post.review_state != ReviewState.REJECTED
    return post.review_state == ReviewState.APPROVED and post.hidden_at is None

"""Who may read and do what in the discussions: the only place these rules live.

Predicates (``can_*``) return a bool, guards (``require_*``) raise
``PermissionDenied`` and accessors (``access_*``) return the object or raise
``Http404`` for both "missing" and "not visible", so an embargoed red flag or a
private space never reveals that it exists. ``*_q`` functions turn the same
rules into ``Q`` objects for the selectors, so lists, counts, search, feeds and
the API apply exactly the rules the detail pages do.

Reading rules:

- a space is readable by everyone (public), by signed-in members (members), by
  library workers (library workers only: no vendor representative, even one who
  also works at a library), or by its working group (working group); moderators
  read every space;
- a topic is readable when its space is, and it is approved (or the viewer wrote
  it), not hidden, not merged away, and not in a red flag's embargo, unless the
  viewer wrote it, moderates, or represents the embargoed vendor;
- a post is readable when its topic is, and it is approved and not hidden
  (its author and moderators still see it, marked as pending or hidden).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from cop.core.prepared import PreparedQuery
from cop.members import permissions as member_permissions
from discussions.models import (
    EmbargoState,
    Post,
    ReviewState,
    Space,
    Subscription,
    Topic,
    TopicKind,
    Visibility,
)

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "access_post",
    "access_space",
    "access_topic",
    "can_accept_answer",
    "can_create_topic",
    "can_edit_post",
    "can_edit_topic",
    "can_flag_post",
    "can_manage_spaces",
    "can_mark_helpful",
    "can_moderate",
    "can_post_officially",
    "can_raise_red_flag",
    "can_read_space",
    "can_read_topic",
    "can_read_topic_with",
    "can_reply",
    "can_respond_as_vendor",
    "can_see_post_body",
    "can_see_post_body_with",
    "is_active_member",
    "readable_space_ids_for_users",
    "readable_space_q",
    "reader_facts_for_users",
    "require",
    "require_moderator",
    "visible_post_q",
    "visible_topic_q",
]

#: How long after posting an author may still edit their own post (moderators: always).
EDIT_WINDOW_DAYS = 30


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


# ----------------------------------------------------------------- actions


def _participates(user: Any) -> bool:
    # Members who have a pending second factor for an elevated role can still
    # take part as ordinary members; suspended accounts are inactive.
    return is_active_member(user)


def can_create_topic(user: Any, space: Space) -> bool:
    """Return whether ``user`` may start a topic in ``space``."""
    return (
        _participates(user)
        and space.archived_at is None
        and can_read_space(user, space)
    )


def can_raise_red_flag(user: Any) -> bool:
    """Return whether ``user`` may start a red flag topic (not vendor representatives)."""
    return _participates(user) and not member_permissions.is_verified_vendor_rep(user)


def can_reply(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may post in ``topic`` (read access, not locked or archived)."""
    if not _participates(user) or not can_read_topic(user, topic):
        return False
    if can_moderate(user):
        return True
    if topic.review_state != ReviewState.APPROVED or topic.is_locked:
        return False
    return topic.space.archived_at is None


def can_post_officially(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` posts in ``topic`` as a verified representative of a vendor."""
    return member_permissions.is_verified_vendor_rep(user)


def can_respond_as_vendor(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may give the vendor's response to red flag ``topic``."""
    if topic.kind != TopicKind.RED_FLAG or topic.product_id is None:
        return False
    vendor_id = topic.embargo_vendor_id or topic.product.organisation_id
    return member_permissions.is_verified_vendor_rep(
        user, vendor_id
    ) and can_read_topic(user, topic)


def can_edit_post(user: Any, post: Post, *, now: datetime | None = None) -> bool:
    """Return whether ``user`` may edit ``post`` (its author within the window, or a moderator)."""
    if can_moderate(user):
        return True
    if not _participates(user) or post.author_id != user.pk:
        return False
    if post.review_state == ReviewState.REJECTED or post.hidden_at is not None:
        return False
    if post.topic.locked_at is not None:
        return False
    now = now or timezone.now()
    return (now - post.created_at).days < EDIT_WINDOW_DAYS


def can_edit_topic(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may change ``topic``'s tags (its author while open, or a moderator)."""
    if can_moderate(user):
        return True
    if not _participates(user) or topic.author_id != user.pk:
        return False
    return (
        topic.review_state != ReviewState.REJECTED
        and topic.hidden_at is None
        and not topic.is_locked
    )


def can_accept_answer(user: Any, topic: Topic) -> bool:
    """Return whether ``user`` may mark the accepted answer of question ``topic``."""
    if topic.kind != TopicKind.QUESTION:
        return False
    if can_moderate(user):
        return True
    return _participates(user) and topic.author_id == user.pk


def can_mark_helpful(user: Any, post: Post) -> bool:
    """Return whether ``user`` may mark ``post`` helpful (any member but its author)."""
    return _participates(user) and post.author_id != user.pk and post.is_visible_to_all


def can_flag_post(user: Any, post: Post) -> bool:
    """Return whether ``user`` may flag ``post`` (any member but its author; shown posts only)."""
    return (
        _participates(user)
        and post.author_id != user.pk
        and post.review_state == ReviewState.APPROVED
        and post.hidden_at is None
    )


# ----------------------------------------------------------------- guards


def require(allowed: bool) -> None:
    """Raise ``PermissionDenied`` unless ``allowed`` (the result of a predicate here)."""
    if not allowed:
        raise PermissionDenied


def require_moderator(user: Any, space: Space | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` moderates ``space``."""
    require(can_moderate(user, space))


# ----------------------------------------------------------------- accessors


# The space and the topic of their pages come with the viewer's follow level on
# them, read in the same statement (the follow control shows it on every page):
# ``obj.follow_level_of = (viewer ID, level or None)``, which
# ``discussions.selectors.follow_level_for`` uses for that viewer only.


def _viewer_id(viewer: Any) -> int:
    return int(viewer.pk) if is_active_member(viewer) else 0  # 0: nobody's ID


def _follow_level(target: str, viewer_id: int) -> Subquery:
    return Subquery(
        Subscription.objects.filter(user_id=viewer_id, **{target: OuterRef("pk")})
        .order_by("id")
        .values("level")[:1]
    )


def _with_follow_level(obj: Any, viewer_id: int) -> Any:
    if obj is not None:
        obj.follow_level_of = (viewer_id or None, obj.viewer_follow_level)
    return obj


def access_space(viewer: Any, slug: str) -> Space:
    """Return the readable space ``slug``, or raise ``Http404``."""
    viewer_id = _viewer_id(viewer)
    space = SPACE_BY_SLUG.first(slug=slug, viewer_id=viewer_id)
    if space is None or not can_read_space(viewer, space):
        raise Http404
    return _with_follow_level(space, viewer_id)


def _space_by_slug(slug: str, viewer_id: int) -> Any:
    return (
        Space.objects.filter(slug=slug)
        .select_related("working_group")
        .annotate(viewer_follow_level=_follow_level("space", viewer_id))
    )


# The space page's space, compiled once per process (cop.core.prepared).
SPACE_BY_SLUG = PreparedQuery(
    _space_by_slug, slug="zq-prepared-space-slug-zq", viewer_id=2_101_999_102
)


def access_topic(viewer: Any, topic_id: Any) -> Topic:
    """Return the readable topic ``topic_id``, or raise ``Http404``."""
    try:
        topic_pk = int(topic_id)
    except (TypeError, ValueError):
        raise Http404 from None
    viewer_id = _viewer_id(viewer)
    topic = TOPIC_WITH_LINKS.first(topic_id=topic_pk, viewer_id=viewer_id)
    if topic is None or not can_read_topic(viewer, topic):
        raise Http404
    return _with_follow_level(topic, viewer_id)


def _topic_with_links(topic_id: int, viewer_id: int) -> Any:
    return (
        Topic.objects.filter(pk=topic_id)
        .select_related(
            "space", "product__organisation", "criterion", "red_flag", "author"
        )
        .annotate(viewer_follow_level=_follow_level("topic", viewer_id))
    )


# The topic page's topic, compiled once per process (cop.core.prepared).
TOPIC_WITH_LINKS = PreparedQuery(
    _topic_with_links, topic_id=2_101_999_101, viewer_id=2_101_999_102
)


def access_post(viewer: Any, post_id: Any) -> Post:
    """Return post ``post_id`` when ``viewer`` may read it and its topic, or raise ``Http404``."""
    try:
        post_pk = int(post_id)
    except (TypeError, ValueError):
        raise Http404 from None
    post = (
        Post.objects.filter(pk=post_pk)
        .select_related("topic__space", "topic__product__organisation", "author")
        .first()
    )
    if (
        post is None
        or not can_read_topic(viewer, post.topic)
        or not can_see_post_body(viewer, post)
    ):
        raise Http404
    return post


# ----------------------------------------------------------------- many readers at once


def roles_prefetch(users: Any) -> None:
    """Load the roles of many ``users`` in three queries, memoised on each user object.

    After this, :func:`can_read_topic` and :func:`can_see_post_body` run no query for
    these users, so a notification fan-out costs the same for 3 or 3,000 followers.
    The attribute names are the memo slots of ``cop.members.permissions`` (and
    ``_cop_group_ids`` here); keep them in step.
    """
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model

    from cop.members.models import Membership, Organisation

    users = [user for user in users if is_active_member(user)]
    if not users:
        return
    ids = [user.pk for user in users]
    with_mfa = set(
        Authenticator.objects.filter(
            user_id__in=ids,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN],
        ).values_list("user_id", flat=True)
    )
    groups: dict[int, set[int]] = {}
    moderators: set[int] = set()
    through = get_user_model().groups.through
    for user_id, group_id, name in through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group_id", "group__name"
    ):
        groups.setdefault(user_id, set()).add(group_id)
        if name == member_permissions.MODERATORS_GROUP:
            moderators.add(user_id)
    vendors: dict[int, set[int]] = {}
    librarians: set[int] = set()
    for user_id, org_id, kind, role in Membership.objects.filter(
        user_id__in=ids, status=Membership.Status.VERIFIED
    ).values_list("user_id", "organisation_id", "organisation__kind", "role"):
        if kind == Organisation.Kind.LIBRARY:
            librarians.add(user_id)
        elif (
            kind == Organisation.Kind.VENDOR and role == Membership.Role.REPRESENTATIVE
        ):
            vendors.setdefault(user_id, set()).add(org_id)
    for user in users:
        user._cop_mfa_enabled = user.pk in with_mfa
        user._cop_holds_moderator = user.pk in moderators
        user._cop_held_vendor_ids = frozenset(vendors.get(user.pk, ()))
        user._cop_is_library_worker = user.pk in librarians
        user._cop_group_ids = frozenset(groups.get(user.pk, ()))


@dataclass(frozen=True)
class ReaderFacts:
    """What decides one member's reading rights, computed once for many topics.

    Built by :func:`reader_facts_for_users` from the predicates above (so the same
    rules), used by :func:`can_read_topic_with` / :func:`can_see_post_body_with`
    where thousands of (member, topic) pairs are checked, e.g. digests.
    """

    user_id: int | None
    member: bool
    moderator: bool
    space_ids: frozenset[int]
    vendor_ids: frozenset[int]


def reader_facts_for_users(users: Any) -> dict[int, ReaderFacts]:
    """Return :class:`ReaderFacts` of each of ``users`` by ID: four queries for any number.

    Roles are loaded with :func:`roles_prefetch`, then every space is checked with
    :func:`can_read_space` (no query per member or space).
    """
    users = list(users)
    roles_prefetch(users)
    spaces = list(Space.objects.only("pk", "visibility", "working_group_id"))
    facts = {}
    for user in users:
        moderator = can_moderate(user)
        facts[user.pk] = ReaderFacts(
            user_id=user.pk,
            member=is_active_member(user),
            moderator=moderator,
            space_ids=frozenset(
                space.pk for space in spaces if can_read_space(user, space)
            ),
            vendor_ids=member_permissions.represented_vendor_ids(user)
            if is_active_member(user)
            else frozenset(),
        )
    return facts


def readable_space_ids_for_users(users: Any) -> dict[int, frozenset[int]]:
    """Return the IDs of the spaces each of ``users`` may read, by user ID (four queries)."""
    return {
        user_id: facts.space_ids
        for user_id, facts in reader_facts_for_users(users).items()
    }


def can_read_topic_with(facts: ReaderFacts, topic: Topic) -> bool:
    """Return :func:`can_read_topic` for the member of ``facts`` (no query).

    The same rule as :func:`visible_topic_q`; ``tests/discussions/test_digests.py``
    checks that both agree for every role.
    """
    if topic.merged_into_id is not None or topic.space_id not in facts.space_ids:
        return False
    if facts.moderator:
        return True
    if topic.hidden_at is not None or topic.review_state == ReviewState.REJECTED:
        return False
    is_author = facts.member and topic.author_id == facts.user_id
    if topic.review_state == ReviewState.PENDING:
        return is_author
    if topic.embargo_state == EmbargoState.EMBARGOED:
        return is_author or topic.embargo_vendor_id in facts.vendor_ids
    return True


def can_see_post_body_with(facts: ReaderFacts, post: Post) -> bool:
    """Return :func:`can_see_post_body` for the member of ``facts`` (no query)."""
    if facts.moderator:
        return True
    if facts.member and post.author_id == facts.user_id:
        return post.review_state != ReviewState.REJECTED
    return post.review_state == ReviewState.APPROVED and post.hidden_at is None

"""The reading rules for many members at once (notification fan-out, digests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cop.members import permissions as member_permissions
from discussions.models import EmbargoState, ReviewState, Space

from .reading import can_moderate, can_read_space, is_active_member


class PostFacts(Protocol):
    """What :func:`can_see_post_body_with` reads of a post (a ``Post`` or a plain row)."""

    @property
    def author_id(self) -> int | None: ...
    @property
    def review_state(self) -> str: ...
    @property
    def hidden_at(self) -> datetime | None: ...


class TopicFacts(PostFacts, Protocol):
    """What :func:`can_read_topic_with` reads of a topic (a ``Topic`` or a plain row)."""

    @property
    def space_id(self) -> int: ...
    @property
    def merged_into_id(self) -> int | None: ...
    @property
    def embargo_state(self) -> str: ...
    @property
    def embargo_vendor_id(self) -> int | None: ...


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


def can_read_topic_with(facts: ReaderFacts, topic: TopicFacts) -> bool:
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


def can_see_post_body_with(facts: ReaderFacts, post: PostFacts) -> bool:
    """Return :func:`can_see_post_body` for the member of ``facts`` (no query)."""
    if facts.moderator:
        return True
    if facts.member and post.author_id == facts.user_id:
        return post.review_state != ReviewState.REJECTED
    return post.review_state == ReviewState.APPROVED and post.hidden_at is None

"""Erasing a member: personal rows go, posts stay anonymous or go, counters stay right."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from cop.members.models import Membership, User
from cop.privacy.models import Erasure
from cop.privacy.services.erasure import member_erase
from discussions.markup import quote_markdown
from discussions.models import (
    HelpfulMark,
    Mention,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Space,
    Subscription,
    Topic,
)
from tests.factories import (
    MembershipFactory,
    PostFactory,
    SpaceFactory,
    TopicFactory,
    UserFactory,
)
from tests.roles import moderator  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A member with a topic, replies, marks, follows; others mention and quote them."""
    member = UserFactory(email="leaving@example.org", display_name="Riverbend Reader")
    other = UserFactory(email="staying@example.org", display_name="Harbour Clerk")
    space = SpaceFactory()
    own_topic = TopicFactory(space=space, author=member)
    PostFactory(topic=own_topic, author=member, body="My own topic, nobody replied.")
    shared = TopicFactory(space=space, author=other)
    opener = PostFactory(topic=shared, author=other, body="Opening question.")
    reply = PostFactory(topic=shared, author=member, body="A reply by the member.")
    PostRevision.objects.create(
        post=reply, number=1, body="first draft", edited_by=member
    )
    quoting = PostFactory(
        topic=shared,
        author=other,
        quote_of=reply,
        body=quote_markdown(post=reply)
        + 'Thanks @"Riverbend Reader" and @Riverbend Reader!',
    )
    PostRevision.objects.create(
        post=quoting, number=1, body="Hello @Riverbend Reader", edited_by=other
    )
    Mention.objects.create(post=quoting, user=member)
    HelpfulMark.objects.create(post=opener, user=member)
    HelpfulMark.objects.create(post=opener, user=UserFactory())
    Post.objects.filter(pk=opener.pk).update(helpful_count=2)
    Subscription.objects.create(user=member, level="watching", topic=shared)
    Notification.objects.create(
        user=member, kind=NotificationKind.REPLY, topic=shared, post=quoting
    )
    MembershipFactory(user=member, status=Membership.Status.VERIFIED)
    return {
        "member": member,
        "other": other,
        "space": space,
        "own_topic": own_topic,
        "shared": shared,
        "opener": opener,
        "reply": reply,
        "quoting": quoting,
    }


def _traces(needle: str) -> list[str]:
    """Return where ``needle`` still appears among posts, revisions and notifications."""
    found = []
    if Post.objects.filter(
        Q(body__icontains=needle) | Q(body_html__icontains=needle)
    ).exists():
        found.append("post")
    if PostRevision.objects.filter(body__icontains=needle).exists():
        found.append("revision")
    if User.objects.filter(
        Q(email__icontains=needle) | Q(display_name__icontains=needle)
    ).exists():
        found.append("user")
    if Notification.objects.filter(data__icontains=needle).exists():
        found.append("notification")
    return found


def test_member_erase_keeping_posts_leaves_them_as_former_member(world):
    member = world["member"]
    member_id = member.pk
    # when
    erasure = member_erase(member=member, actor=member, keep_posts=True)
    # then: the account and its personal rows are gone, recorded by ID only
    assert not User.objects.filter(pk=member_id).exists()
    assert erasure.user_id == member_id
    assert Erasure.objects.get().requested_by == Erasure.Requester.MEMBER
    for model in (Membership, Subscription, Notification, Mention, HelpfulMark):
        assert not model.objects.filter(user_id=member_id).exists(), model
    # the posts stay without an author
    world["reply"].refresh_from_db()
    assert world["reply"].author_id is None
    assert world["reply"].body == "A reply by the member."
    # no post, revision or notification names the member any more
    assert _traces("Riverbend Reader") == []
    assert _traces("leaving@example.org") == []
    world["quoting"].refresh_from_db()
    assert "a former member" in world["quoting"].body
    assert "**a former member** [wrote]" in world["quoting"].body
    # the counters the member's rows fed are right
    world["opener"].refresh_from_db()
    assert world["opener"].helpful_count == 1
    world["shared"].refresh_from_db()
    assert world["shared"].post_count == 3


def test_member_erase_deleting_posts_keeps_others_replies_and_counters(world):
    member = world["member"]
    # given: the member opened a topic someone replied to
    answered = TopicFactory(space=world["space"], author=member)
    PostFactory(topic=answered, author=member, body="Question by the member.")
    PostFactory(topic=answered, author=world["other"], body="An answer.")
    # when
    member_erase(member=member, actor=member, keep_posts=False)
    # then: posts are gone, the topic only they wrote in too
    assert not Topic.objects.filter(pk=world["own_topic"].pk).exists()
    assert not Post.objects.filter(pk=world["reply"].pk).exists()
    # the opening post others answered stays, emptied, with its replies
    opener = Post.objects.get(topic=answered, number=1)
    assert opener.author_id is None
    assert opener.body == "This post was removed by its author."
    assert Post.objects.filter(topic=answered).count() == 2
    world["shared"].refresh_from_db()
    assert world["shared"].post_count == 2
    space = Space.objects.get(pk=world["space"].pk)
    assert space.topic_count == 2
    assert _traces("Riverbend Reader") == []


def test_member_erase_of_another_member_by_member_is_denied(world):
    with pytest.raises(PermissionDenied):
        member_erase(member=world["member"], actor=world["other"], keep_posts=True)
    assert User.objects.filter(pk=world["member"].pk).exists()


def test_member_erase_by_moderator_needs_a_reason(world, moderator):  # noqa: F811
    with pytest.raises(ValidationError):
        member_erase(
            member=world["member"], actor=moderator, keep_posts=True, reason=" "
        )
    erasure = member_erase(
        member=world["member"], actor=moderator, keep_posts=True, reason="Request #12"
    )
    assert erasure.requested_by == Erasure.Requester.MODERATOR
    assert erasure.reason == "Request #12"


def test_member_erase_of_a_moderator_by_moderator_is_denied(moderator):  # noqa: F811
    peer = UserFactory(email="peer@cop.example")
    peer.groups.set(moderator.groups.all())
    with pytest.raises(PermissionDenied):
        member_erase(member=peer, actor=moderator, keep_posts=True, reason="asked")

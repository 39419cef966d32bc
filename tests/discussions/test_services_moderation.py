"""Moderation services on posts: flags and auto-hide, review, hide/restore, edit, suspend."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from discussions import services
from discussions.models import (
    ModerationAction,
    ModerationEvent,
    PostFlag,
    PostRevision,
    ReviewState,
)
from discussions.services import notifications
from tests.factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

ELEVATED = ("moderator", "admin")


@pytest.fixture
def topic(public_space: Any) -> Any:
    return TopicFactory(space=public_space, with_posts=2)


@pytest.fixture
def post(topic: Any) -> Any:
    return topic.posts.get(number=2)


@pytest.fixture
def reviewed(monkeypatch: Any) -> list[dict[str, Any]]:
    """Record the calls to ``notify_post_reviewed`` (the author is told)."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        notifications, "notify_post_reviewed", lambda **kw: calls.append(kw)
    )
    return calls


def _flag(user: Any, post: Any, reason: str = "spam", text: str = "") -> Any:
    return services.post_flag(actor=user, post=post, reason=reason, text=text)


# ----------------------------------------------------------------- flags


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", True),
        ("vendor_rep_a", True),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_post_flag_per_role(people: Any, post: Any, role: str, allowed: bool) -> None:
    actor = people[role]
    if not allowed:
        with pytest.raises(PermissionDenied):
            _flag(actor, post)
        assert not PostFlag.objects.exists()
        return
    flag = _flag(actor, post)
    assert (flag.flagger, flag.reason, flag.resolved_at) == (actor, "spam", None)
    post.refresh_from_db()
    assert post.open_flag_count == 1


def test_post_flag_by_its_author_is_denied(post: Any) -> None:
    with pytest.raises(PermissionDenied):
        _flag(post.author, post)


def test_post_flag_other_without_text_is_a_text_error(
    library_worker: Any, post: Any
) -> None:
    with pytest.raises(ValidationError) as info:
        _flag(library_worker, post, reason="other", text="  ")
    assert "text" in info.value.error_dict
    assert not PostFlag.objects.exists()


def test_post_flag_unknown_reason_is_refused(library_worker: Any, post: Any) -> None:
    with pytest.raises(ValidationError):
        _flag(library_worker, post, reason="boring")


def test_post_flag_twice_by_one_member_says_so_and_keeps_one(
    library_worker: Any, post: Any
) -> None:
    _flag(library_worker, post)
    with pytest.raises(ValidationError) as info:
        _flag(library_worker, post, reason="off_topic")
    assert info.value.code == "already_flagged"
    assert PostFlag.objects.filter(post=post).count() == 1


def test_post_flag_hides_exactly_at_threshold_of_distinct_members(
    settings: Any, topic: Any, post: Any
) -> None:
    # given: a threshold of 3 and two flags from two members
    settings.COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD = 3
    first, second, third = UserFactory.create_batch(3)
    _flag(first, post)
    _flag(second, post, reason="off_topic")
    post.refresh_from_db()
    assert post.hidden_at is None
    assert post.open_flag_count == 2
    # when: a third member flags
    _flag(third, post, reason="other", text="Names a colleague")
    # then: hidden by flags, logged without an actor, counters updated
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.hidden_at is not None
    assert post.hidden_reason == "flags"
    event = ModerationEvent.objects.get(action=ModerationAction.AUTO_HIDE)
    assert event.actor is None
    assert event.space_id == topic.space_id
    assert event.extra == {"post_id": post.pk, "open_flags": 3}
    assert topic.post_count == 1


def test_post_flag_threshold_is_configurable(settings: Any, post: Any) -> None:
    settings.COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD = 1
    _flag(UserFactory(), post)
    post.refresh_from_db()
    assert post.hidden_reason == "flags"


# ----------------------------------------------------------------- hide / restore


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "vendor_rep_a"])
def test_post_hide_by_non_moderator_is_denied(
    people: Any, post: Any, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.post_hide(actor=people[role], post=post, reason="x")
    post.refresh_from_db()
    assert post.hidden_at is None


@pytest.mark.parametrize("role", ELEVATED)
def test_post_hide_by_moderator_hides_upholds_flags_and_logs(
    people: Any, topic: Any, post: Any, role: str
) -> None:
    _flag(UserFactory(), post)
    services.post_hide(actor=people[role], post=post, reason="Personal attack")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.hidden_reason == "moderator"
    assert post.open_flag_count == 0
    assert PostFlag.objects.get().resolution == PostFlag.Resolution.UPHELD
    assert topic.post_count == 1
    event = ModerationEvent.objects.get(action="hide")
    assert (event.actor, event.post, event.subject) == (people[role], post, post.author)
    assert event.reason == "Personal attack"


def test_post_restore_shows_post_and_dismisses_flags(
    settings: Any, moderator: Any, topic: Any, post: Any
) -> None:
    settings.COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD = 2
    _flag(UserFactory(), post)
    _flag(UserFactory(), post)
    services.post_restore(actor=moderator, post=post, reason="Fair criticism")
    post.refresh_from_db()
    topic.refresh_from_db()
    assert post.hidden_at is None
    assert post.open_flag_count == 0
    assert set(PostFlag.objects.values_list("resolution", flat=True)) == {"dismissed"}
    assert topic.post_count == 2
    assert ModerationEvent.objects.filter(action="restore").count() == 1


def test_post_restore_of_visible_flagged_post_dismisses_flags(
    moderator: Any, post: Any
) -> None:
    _flag(UserFactory(), post)
    services.post_restore(actor=moderator, post=post)
    assert ModerationEvent.objects.filter(action="dismiss_flags").count() == 1


def test_post_restore_with_nothing_to_restore_is_refused(
    moderator: Any, post: Any
) -> None:
    with pytest.raises(ValidationError):
        services.post_restore(actor=moderator, post=post)


# ----------------------------------------------------------------- review


@pytest.fixture
def pending(topic: Any) -> Any:
    return PostFactory(topic=topic, review_state=ReviewState.PENDING)


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "vendor_rep_a"])
def test_post_approve_by_non_moderator_is_denied(
    people: Any, pending: Any, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        services.post_approve(actor=people[role], post=pending)


@pytest.mark.parametrize("role", ELEVATED)
def test_post_approve_publishes_and_tells_author(
    people: Any, topic: Any, pending: Any, reviewed: Any, role: str
) -> None:
    services.post_approve(actor=people[role], post=pending)
    pending.refresh_from_db()
    topic.refresh_from_db()
    assert pending.review_state == ReviewState.APPROVED
    assert topic.post_count == 3
    assert reviewed == [{"post": pending, "approved": True}]
    assert ModerationEvent.objects.get(action="approve").post == pending


def test_post_reject_needs_a_reason(moderator: Any, pending: Any) -> None:
    with pytest.raises(ValidationError):
        services.post_reject(actor=moderator, post=pending, reason=" ")
    pending.refresh_from_db()
    assert pending.review_state == ReviewState.PENDING


def test_post_reject_tells_author_the_reason(
    moderator: Any, pending: Any, reviewed: Any
) -> None:
    services.post_reject(actor=moderator, post=pending, reason="Off-topic here")
    pending.refresh_from_db()
    assert pending.review_state == ReviewState.REJECTED
    assert pending.rejection_reason == "Off-topic here"
    assert reviewed == [
        {"post": pending, "approved": False, "reason": "Off-topic here"}
    ]


def test_post_approve_of_approved_post_is_refused(moderator: Any, post: Any) -> None:
    with pytest.raises(ValidationError):
        services.post_approve(actor=moderator, post=post)


def test_topic_approve_approves_its_opening_post(
    moderator: Any, public_space: Any, reviewed: Any
) -> None:
    topic = TopicFactory(space=public_space, review_state=ReviewState.PENDING)
    opening = PostFactory(topic=topic, review_state=ReviewState.PENDING)
    # Approving the opening post approves the topic.
    services.post_approve(actor=moderator, post=opening)
    topic.refresh_from_db()
    opening.refresh_from_db()
    assert topic.review_state == opening.review_state == ReviewState.APPROVED
    assert topic.post_count == 1
    public_space.refresh_from_db()
    assert public_space.topic_count == 1
    assert [c["approved"] for c in reviewed] == [True]


def test_topic_reject_rejects_topic_and_opening_post(
    moderator: Any, public_space: Any, reviewed: Any
) -> None:
    topic = TopicFactory(space=public_space, review_state=ReviewState.PENDING)
    opening = PostFactory(topic=topic, review_state=ReviewState.PENDING)
    services.topic_reject(actor=moderator, topic=topic, reason="Duplicate question")
    topic.refresh_from_db()
    opening.refresh_from_db()
    assert topic.review_state == opening.review_state == ReviewState.REJECTED
    assert reviewed[0]["reason"] == "Duplicate question"


# ----------------------------------------------------------------- edit / suspend


def test_post_moderator_edit_keeps_history_and_upholds_flags(
    settings: Any, moderator: Any, post: Any
) -> None:
    settings.COP_DISCUSSIONS_FLAG_HIDE_THRESHOLD = 1
    old_body = post.body
    _flag(UserFactory(), post, reason="personal_data")
    services.post_moderator_edit(
        actor=moderator, post=post, body="Redacted.", note="Removed a phone number"
    )
    post.refresh_from_db()
    assert post.body == "Redacted."
    assert post.hidden_at is None
    revision = PostRevision.objects.get(post=post)
    assert (revision.body, revision.note) == (old_body, "Removed a phone number")
    assert PostFlag.objects.get().resolution == "upheld"
    assert ModerationEvent.objects.get(action="edit").reason == "Removed a phone number"


def test_post_moderator_edit_by_author_is_denied(post: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.post_moderator_edit(
            actor=post.author, post=post, body="Mine", note="typo"
        )


def test_member_suspend_from_post_suspends_author_site_wide_event(
    moderator: Any, library_worker: Any, topic: Any
) -> None:
    post = PostFactory(topic=topic, author=library_worker)
    services.member_suspend_from_post(actor=moderator, post=post, reason="Harassment")
    library_worker.refresh_from_db()
    assert library_worker.is_active is False
    event = ModerationEvent.objects.get(action="suspend")
    assert event.space is None
    assert event.subject == library_worker


def test_member_suspend_from_post_of_an_admin_is_denied(
    moderator: Any, admin: Any, topic: Any
) -> None:
    post = PostFactory(topic=topic, author=admin)
    with pytest.raises(PermissionDenied):
        services.member_suspend_from_post(actor=moderator, post=post, reason="No")
    assert not ModerationEvent.objects.exists()


def test_member_suspend_from_post_by_member_is_denied(
    library_worker: Any, post: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.member_suspend_from_post(actor=library_worker, post=post, reason="x")

"""Posting services, part 2: replies (roles, numbering, counters, review, mentions, quotes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cop.members.permissions import clear_cached_roles
from cop.members.validators import display_name_key
from discussions import markup, services
from discussions.models import Mention, Post, ReviewState
from tests.discussions.posting_fixtures import *  # noqa: F403
from tests.discussions.posting_fixtures import new_topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(library_worker: Any, public_space: Any) -> Any:
    return new_topic(library_worker, public_space)


def rename(user: Any, name: str) -> None:
    user.display_name = name
    user.display_name_key = display_name_key(name)
    user.save()


def reply(
    actor: Any, topic: Any, body: str = "A reply with content.", **kw: Any
) -> Post:
    return services.post_create(actor=actor, topic=topic, body=body, **kw)


# ----------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", True),
        ("vendor_rep_a", True),
        ("moderator", True),
        ("suspended", False),
    ],
)
def test_post_create_per_role(
    role: str, allowed: bool, people: dict[str, Any], suspended: Any, topic: Any
) -> None:
    actor = {**people, "suspended": suspended, "anonymous": AnonymousUser()}[role]
    if not allowed:
        with pytest.raises(PermissionDenied):
            reply(actor, topic)
        return
    assert reply(actor, topic).number == 2


def test_post_create_vendor_rep_post_is_official(
    vendor_rep_a: Any, vendor_a: Any, vendor_b: Any, topic: Any, product_b: Any
) -> None:
    from tests.factories import MembershipFactory

    assert reply(vendor_rep_a, topic).organisation == vendor_a
    # A rep of two vendors speaks for the topic's product's vendor when it is theirs.
    MembershipFactory(user=vendor_rep_a, organisation=vendor_b, role="representative")
    clear_cached_roles(vendor_rep_a)
    topic.product = product_b
    topic.save()
    assert reply(vendor_rep_a, topic).organisation == vendor_b


def test_post_create_library_worker_not_official(
    library_worker: Any, topic: Any
) -> None:
    assert reply(library_worker, topic).organisation is None


def test_post_create_locked_topic_refused_except_moderator(
    library_worker: Any, moderator: Any, topic: Any
) -> None:
    topic.locked_at = timezone.now()
    topic.save()
    with pytest.raises(PermissionDenied):
        reply(library_worker, topic)
    assert reply(moderator, topic).number == 2


def test_post_create_slow_mode_refuses_second_post_with_wait(
    library_worker: Any, vendor_rep_a: Any, moderator: Any, topic: Any
) -> None:
    topic.slow_mode_seconds = 600
    topic.save()
    reply(vendor_rep_a, topic)
    with pytest.raises(ValidationError) as info:
        reply(vendor_rep_a, topic)
    assert "slow mode" in info.value.message_dict["body"][0]
    reply(moderator, topic)
    reply(moderator, topic)  # moderators are exempt
    Post.objects.filter(author=vendor_rep_a).update(
        created_at=timezone.now() - dt.timedelta(seconds=601)
    )
    assert reply(vendor_rep_a, topic).number == 5


def test_post_create_vendor_response_needs_the_vendor(
    library_worker: Any,
    vendor_rep_a: Any,
    vendor_rep_b: Any,
    public_space: Any,
    product_a: Any,
) -> None:
    flag = new_topic(
        library_worker,
        public_space,
        kind="red_flag",
        product=product_a,
        clause_reference="7.1",
    )
    with pytest.raises(PermissionDenied):
        reply(vendor_rep_b, flag, is_vendor_response=True)
    post = reply(vendor_rep_a, flag, is_vendor_response=True)
    assert post.is_vendor_response
    assert post.organisation_id == product_a.organisation_id


def test_post_create_bad_body_names_field(library_worker: Any, topic: Any) -> None:
    for body in ("", "\u200b", "x" * 50_001, "ctrl \x08", ">" * 10_000):
        with pytest.raises(ValidationError) as info:
            reply(library_worker, topic, body)
        assert "body" in info.value.message_dict
    assert topic.posts.count() == 1


# ----------------------------------------------------------------- numbering and counters


def test_post_create_numbers_never_reused(
    library_worker: Any, vendor_rep_a: Any, topic: Any
) -> None:
    second = reply(vendor_rep_a, topic)
    second.delete()  # e.g. removed by an admin
    Post.objects.filter(topic=topic, number=1).update(review_state=ReviewState.REJECTED)
    assert reply(library_worker, topic).number == 3
    topic.refresh_from_db()
    assert topic.last_post_number == 3


def test_post_create_counters_count_visible_posts_only(
    settings: Any, library_worker: Any, vendor_rep_a: Any, topic: Any, public_space: Any
) -> None:
    newcomer = UserFactory()
    visible = reply(vendor_rep_a, topic)
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    pending = reply(newcomer, topic)
    topic.refresh_from_db()
    assert pending.review_state == ReviewState.PENDING
    assert (topic.post_count, topic.last_post_number) == (2, 3)
    assert topic.last_poster == vendor_rep_a
    assert topic.last_activity_at == visible.created_at
    Post.objects.filter(pk=visible.pk).update(hidden_at=timezone.now())
    services.topic_counters_refresh(topic=topic)
    topic.refresh_from_db()
    assert (topic.post_count, topic.last_poster) == (1, library_worker)
    public_space.refresh_from_db()
    assert public_space.topic_count == 1


# ----------------------------------------------------------------- pre-moderation


def test_premoderation_first_posts_wait_then_publish(
    settings: Any, public_space: Any, moderator: Any, hooks: dict[str, list[Any]]
) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    newcomer = UserFactory()
    topic = new_topic(moderator, public_space)
    first = reply(newcomer, topic)
    assert first.review_state == ReviewState.PENDING
    assert first.pk not in hooks["published"]
    # Approval (the moderation service) publishes through post_publish_effects.
    first.review_state = ReviewState.APPROVED
    first.save()
    services.post_publish_effects(post=first)
    assert first.pk in hooks["published"]
    second = reply(newcomer, topic)
    assert second.review_state == ReviewState.PENDING
    Post.objects.filter(pk=second.pk).update(review_state=ReviewState.APPROVED)
    third = reply(newcomer, topic)
    assert third.review_state == ReviewState.APPROVED
    assert third.pk in hooks["published"]


def test_premoderation_new_topic_waits_for_newcomer(
    settings: Any, public_space: Any
) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    topic = new_topic(UserFactory(), public_space)
    assert topic.review_state == ReviewState.PENDING
    public_space.refresh_from_db()
    assert public_space.topic_count == 0


@pytest.mark.parametrize("role", ["moderator", "vendor_rep_a"])
def test_premoderation_exempt_roles(
    settings: Any, role: str, people: dict[str, Any], topic: Any
) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 5
    assert reply(people[role], topic).review_state == ReviewState.APPROVED


# ----------------------------------------------------------------- quotes


def test_post_create_quote_of_same_topic_only(
    library_worker: Any, vendor_rep_a: Any, topic: Any, public_space: Any
) -> None:
    opening = topic.posts.get()
    body = markup.quote_markdown(post=opening) + "Agreed."
    post = reply(vendor_rep_a, topic, body, quote_of=opening)
    assert post.quote_of == opening
    assert f'href="/discussions/p/{opening.pk}/"' in post.body_html
    other = new_topic(library_worker, public_space, title="Another topic entirely")
    with pytest.raises(ValidationError) as info:
        reply(vendor_rep_a, other, "Quoting elsewhere.", quote_of=opening)
    assert "quote_of" in info.value.message_dict


def test_post_create_quote_of_pending_post_refused(
    settings: Any, vendor_rep_a: Any, topic: Any
) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    pending = reply(UserFactory(), topic)
    with pytest.raises(ValidationError):
        reply(vendor_rep_a, topic, "Quote.", quote_of=pending)


# ----------------------------------------------------------------- mentions


def test_mentions_created_for_readers_only(
    library_worker: Any,
    vendor_rep_a: Any,
    spaces: dict[str, Any],
    hooks: dict[str, list[Any]],
) -> None:
    rename(library_worker, "Riverbend Reader")
    rename(vendor_rep_a, "Larchmont Rep")
    UserFactory(display_name="Riverbend")
    colleague = UserFactory(display_name="Second Colleague")
    from cop.members.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(
        user=colleague,
        organisation=Membership.objects.get(user=library_worker).organisation,
    )
    topic = new_topic(
        library_worker, spaces["library_workers"], title="Library-only discussion"
    )
    post = reply(
        colleague,
        topic,
        "Hi @Riverbend Reader and @Larchmont Rep, also @Nobody Known and "
        "@Second Colleague (me). `@Riverbend Reader` again.",
    )
    # The rep cannot read a library-workers-only space; self and unknown names ignored.
    assert list(Mention.objects.filter(post=post).values_list("user", flat=True)) == [
        library_worker.pk
    ]
    assert post.pk in hooks["published"]


def test_mentions_of_pending_post_wait_for_publication(
    settings: Any, library_worker: Any, topic: Any
) -> None:
    rename(library_worker, "Riverbend Reader")
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    post = reply(UserFactory(), topic, 'Ping @"Riverbend Reader".')
    assert not Mention.objects.exists()
    Post.objects.filter(pk=post.pk).update(review_state=ReviewState.APPROVED)
    post.refresh_from_db()
    services.post_publish_effects(post=post)
    services.post_publish_effects(post=post)  # idempotent
    assert Mention.objects.get().user == library_worker

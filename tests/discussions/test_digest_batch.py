"""Digests in batches: reading rules computed in bulk, one connection, fixed queries."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail as outbox
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from discussions import mail, permissions
from discussions.models import DigestDelivery, DiscussionSettings, Topic
from discussions.services import digests
from discussions.tasks.digests import send_digest_batch_task
from tests.discussions.digest_helpers import (
    IN_PERIOD,
    PERIOD_START,
    SLOT,
    digest_member,
    follow,
)
from tests.factories import PostFactory, TopicFactory, UserFactory
from tests.roles import ROLES

NOW = SLOT + timedelta(minutes=5)


def _topic(space: Any, **kwargs: Any) -> Topic:
    topic = TopicFactory(space=space, **kwargs)
    Topic.objects.filter(pk=topic.pk).update(created_at=IN_PERIOD)
    return topic


def _items(members: list[Any]) -> list[tuple[int, Any, Any]]:
    return [(member.pk, PERIOD_START, SLOT) for member in members]


# ----------------------------------------------------------------- reading rules in bulk


@pytest.fixture
def topics_of_every_state(
    spaces: dict[str, Any], people: dict[str, Any], vendor_a: Any
) -> list[Topic]:
    """Topics in every space, in every state that changes who may read them."""
    author = people["library_worker"]
    found = []
    for space in spaces.values():
        found += [
            TopicFactory(space=space),
            TopicFactory(space=space, author=author, review_state="pending"),
            TopicFactory(space=space, author=author, review_state="rejected"),
            TopicFactory(space=space, hidden_at=timezone.now()),
            TopicFactory(
                space=space,
                author=author,
                kind="red_flag",
                embargo_state="embargoed",
                embargo_vendor=vendor_a,
                embargo_ends_at=timezone.now() + timedelta(days=14),
            ),
        ]
        found.append(TopicFactory(space=space, merged_into=found[0]))
    return found


def test_reader_facts_agree_with_can_read_topic_for_every_role(
    people: dict[str, Any],
    topics_of_every_state: list[Topic],
    django_assert_num_queries,
):
    # given: every role, a plain member, a suspended one, a rep whose MFA is missing
    users = [people[role] for role in ROLES if people[role] is not None]
    plain, suspended = UserFactory(), UserFactory(is_active=False)
    users += [plain, suspended]
    # when: their facts are computed in bulk (a fixed number of queries)
    fresh = list(get_user_model().objects.filter(pk__in=[u.pk for u in users]))
    with django_assert_num_queries(4):
        facts = permissions.reader_facts_for_users(fresh)
    # then: the in-memory rule agrees with the predicate and the Q builder, topic by topic
    topics = list(Topic.objects.select_related("space"))
    for user in users:
        viewer = get_user_model().objects.get(pk=user.pk)
        visible = set(
            Topic.objects.filter(permissions.visible_topic_q(viewer)).values_list(
                "pk", flat=True
            )
        )
        for topic in topics:
            expected = permissions.can_read_topic(viewer, topic)
            assert permissions.can_read_topic_with(facts[user.pk], topic) is expected, (
                user,
                topic,
            )
            assert (topic.pk in visible) is expected
    assert facts[suspended.pk].space_ids == {
        s.pk for s in topics[0].space.__class__.objects.filter(visibility="public")
    }


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_reader_facts_agree_with_can_see_post_body_for_every_role(
    people: dict[str, Any], public_space: Any, role: str
):
    author = people["library_worker"]
    topic = TopicFactory(space=public_space)
    posts = [
        PostFactory(topic=topic, author=author, review_state=state)
        for state in ("approved", "pending", "rejected")
    ] + [PostFactory(topic=topic, hidden_at=timezone.now())]
    viewer = get_user_model().objects.get(pk=people[role].pk)
    facts = permissions.reader_facts_for_users([people[role]])[people[role].pk]
    for post in posts:
        assert permissions.can_see_post_body_with(
            facts, post
        ) is permissions.can_see_post_body(viewer, post)


def test_digest_build_many_gives_each_member_only_what_they_may_see(
    db, spaces: dict[str, Any], library_worker: Any, vendor_rep_a: Any, vendor_a: Any
):
    # given: three members in one batch watching the same spaces
    plain = digest_member()
    for user in (plain, library_worker, vendor_rep_a):
        for space in spaces.values():
            follow(user, space=space)
    _topic(spaces["public"], title="For everyone")
    _topic(spaces["library_workers"], title="Library workers only")
    _topic(
        spaces["public"],
        title="Embargoed about vendor A",
        kind="red_flag",
        embargo_state="embargoed",
        embargo_vendor=vendor_a,
        embargo_ends_at=SLOT + timedelta(days=14),
    )
    # when
    built = digests.digest_build_many(
        requests=[
            (u, PERIOD_START, SLOT) for u in (plain, library_worker, vendor_rep_a)
        ]
    )

    # then
    def titles(user: Any) -> set[str]:
        return {
            item.title for section in built[user.pk].sections for item in section.items
        }

    assert titles(plain) == {"For everyone"}
    assert titles(library_worker) == {"For everyone", "Library workers only"}
    assert titles(vendor_rep_a) == {"For everyone", "Embargoed about vendor A"}


# ----------------------------------------------------------------- sending in batches


class _CountingBackend(locmem.EmailBackend):
    """The locmem outbox, counting connections made and messages per connection."""

    made = 0
    errors: list[BaseException | None] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type(self).made += 1

    def send_messages(self, messages):
        if type(self).errors:
            error = type(self).errors.pop(0)
            if error is not None:
                raise error
        return super().send_messages(messages)


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = f"{__name__}._CountingBackend"
    _CountingBackend.made = 0
    _CountingBackend.errors = []
    return _CountingBackend


def _members_with_news(count: int, space: Any) -> list[Any]:
    members = [digest_member() for _ in range(count)]
    for member in members:
        follow(member, space=space)
    return members


def test_send_digest_batch_task_sends_each_member_once_over_one_connection(
    public_space, counting
):
    # given: five members with news, and one with nothing new
    members = _members_with_news(5, public_space)
    quiet = digest_member()
    _topic(public_space, title="Licence renewal checklist")
    items = [[m.pk, PERIOD_START.isoformat(), SLOT.isoformat()] for m in members]
    items.append([quiet.pk, PERIOD_START.isoformat(), SLOT.isoformat()])
    # when: the batch runs, then is redelivered
    with time_machine.travel(NOW, tick=False):
        first = send_digest_batch_task.delay(items).get()
        second = send_digest_batch_task.delay(items).get()
    # then
    assert first == {"sent": 5, "empty": 1}
    assert second == {"skipped": 6}
    assert counting.made == 1  # the redelivery sent nothing, so opened nothing
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(m.email for m in members)
    assert len({m.extra_headers["Message-ID"] for m in outbox.outbox}) == 5
    assert DigestDelivery.objects.filter(state="sent").count() == 5
    assert DigestDelivery.objects.get(user=quiet).state == "empty"
    for user in (*members, quiet):
        prefs = DiscussionSettings.objects.get(user=user)
        assert (prefs.next_digest_at, prefs.last_digest_at) == (
            SLOT + timedelta(days=7),
            SLOT,
        )


def test_digest_send_batch_queries_grow_by_one_per_message(public_space, counting):
    # given: two batches of the same shape, 3 and 9 members
    small = _members_with_news(3, public_space)
    large = _members_with_news(9, public_space)
    _topic(public_space)
    _topic(
        public_space, kind="red_flag", embargo_state="released", released_at=IN_PERIOD
    )
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as few:
            digests.digest_send_batch(items=_items(small))
        with CaptureQueriesContext(connection) as many:
            digests.digest_send_batch(items=_items(large))
    # then: the batch's fixed cost is shared; each extra message is one UPDATE
    assert len(outbox.outbox) == 12
    assert len(many) - len(few) == len(large) - len(small)
    assert len(few) <= 25


def test_digest_send_batch_transient_error_retries_only_that_member(
    public_space, counting
):
    # given: the second of three messages meets a 4xx
    members = _members_with_news(3, public_space)
    _topic(public_space)
    counting.errors = [None, smtplib.SMTPDataError(451, b"try again later")]
    with time_machine.travel(NOW, tick=False):
        # when: the batch runs: the others are sent, the error is raised at the end
        with pytest.raises(mail.TransientMailError):
            digests.digest_send_batch(items=_items(members))
        assert len(outbox.outbox) == 2
        failed = DigestDelivery.objects.get(state="claimed")
        assert failed.claimed_at is None
        assert failed.user_id == members[1].pk
        # and the retry of the same batch sends only the missing one
        states = digests.digest_send_batch(items=_items(members))
    assert states == {
        members[0].pk: "skipped",
        members[1].pk: "sent",
        members[2].pk: "skipped",
    }
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(m.email for m in members)
    assert DigestDelivery.objects.get(user=members[1]).attempts == 2


def test_digest_send_batch_unreachable_server_releases_every_claim(
    public_space, counting
):
    members = _members_with_news(3, public_space)
    _topic(public_space)
    counting.errors = [ConnectionRefusedError("no server")]
    with (
        time_machine.travel(NOW, tick=False),
        pytest.raises(mail.TransientMailError),
    ):
        digests.digest_send_batch(items=_items(members))
    assert outbox.outbox == []
    assert (
        list(DigestDelivery.objects.values_list("state", "claimed_at"))
        == [("claimed", None)] * 3
    )
    # nothing moved on: beat enqueues them again
    assert len(digests.digest_due_batch(now=NOW)) == 3


def test_digest_send_batch_permanent_refusal_does_not_stop_the_batch(
    public_space, counting
):
    members = _members_with_news(3, public_space)
    _topic(public_space)
    counting.errors = [
        smtplib.SMTPRecipientsRefused({members[0].email: (550, b"no such user")})
    ]
    with time_machine.travel(NOW, tick=False):
        states = digests.digest_send_batch(items=_items(members))
    assert states == {
        members[0].pk: "failed",
        members[1].pk: "sent",
        members[2].pk: "sent",
    }
    assert DiscussionSettings.objects.get(user=members[0]).bounce_count == 1
    assert counting.made == 1


def test_digest_send_batch_slow_sending_renews_claims(public_space, counting, settings):
    # given: a claim timeout so short that every message takes longer than a third
    settings.COP_DIGEST_CLAIM_TIMEOUT = 0
    members = _members_with_news(3, public_space)
    _topic(public_space)
    # when
    with time_machine.travel(NOW, tick=False):
        states = digests.digest_send_batch(items=_items(members))
    # then: each claim was renewed before its message (still this worker's) and sent
    assert set(states.values()) == {"sent"}
    assert len(outbox.outbox) == 3

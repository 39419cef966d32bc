"""The notification fan-out: one event per post in the request, notifications by a task.

A reply writes one ``NotificationEvent`` in its transaction; after the commit
``fan_out_notifications_task`` (eager here) expands it into ``Notification`` rows a
batch of watchers at a time, each batch in the same number of queries, and a re-run
writes nothing twice. Who is told is covered by ``test_notifications.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from discussions import services
from discussions.models import (
    DiscussionSettings,
    EmailState,
    FollowLevel,
    Mention,
    Notification,
    NotificationEvent,
    NotificationKind,
    Post,
    Subscription,
)
from tests.discussions.composing_support import (  # the fixture is autouse
    _no_premoderation_no_cache,  # noqa: F401
    client_for,
)
from tests.factories import (
    PostFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

DELAY = "discussions.tasks.notifications.fan_out_notifications_task.delay"


def add_watchers(count: int, **target: Any) -> list[Any]:
    users = UserFactory.create_batch(count)
    Subscription.objects.bulk_create(
        [
            Subscription(user=user, level=FollowLevel.WATCHING, **target)
            for user in users
        ]
    )
    return users


def reply_url(topic: Any) -> str:
    return reverse("discussions:post_reply", kwargs={"topic_id": topic.pk})


def event_of(post: Any) -> NotificationEvent:
    return NotificationEvent.objects.get(post=post)


# ----------------------------------------------------------------- the request


def test_reply_request_costs_the_same_with_10_or_200_watchers(
    public_space, product_a, library_worker
):
    def reply_queries(watchers: int) -> int:
        topic = TopicFactory(space=public_space, product=product_a, with_posts=1)
        topic.tags.add(TagFactory())
        add_watchers(watchers, topic=topic)
        add_watchers(watchers, space=public_space)
        client = client_for(library_worker)
        client.get(topic.get_absolute_url())  # warm the session and caches
        with (
            mock.patch(DELAY) as delay,
            CaptureQueriesContext(connection) as queries,
            TestCase.captureOnCommitCallbacks(execute=True),  # counted: the enqueue
        ):
            response = client.post(reply_url(topic), {"body": "Same cost for all."})
        assert response.status_code == 302
        post = Post.objects.get(topic=topic, number=2)
        # the request wrote the event and enqueued it, and no notification
        delay.assert_called_once_with(event_of(post).pk)
        assert not Notification.objects.filter(post=post).exists()
        return len(queries)

    # given / when
    reply_queries(0)  # fills the caches a first reply fills (content types)
    few = reply_queries(10)
    many = reply_queries(200)
    # then
    assert few == many


def test_reply_when_the_broker_is_down_is_saved_and_swept_later(
    public_space, library_worker
):
    # given: a member watching the space who wants e-mails
    watcher = UserFactory()
    VerifiedEmailAddressFactory(user=watcher)
    DiscussionSettings.objects.create(user=watcher, email_notifications=True)
    Subscription.objects.create(user=watcher, space=public_space, level="watching")
    topic = TopicFactory(space=public_space, with_posts=1)
    # when: the fan-out cannot be enqueued
    with (
        mock.patch(DELAY, side_effect=OperationalError("broker down")),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        response = client_for(library_worker).post(
            reply_url(topic), {"body": "Saved although Redis is down."}
        )
    # then: the post is saved, its event waits for the sweeper
    assert response.status_code == 302
    post = Post.objects.get(topic=topic, number=2)
    assert event_of(post).done_at is None
    assert not Notification.objects.filter(post=post).exists()
    # a fresh event is left to its own enqueue
    assert services.notification_events_sweep() == 0
    # when: the sweeper runs a minute later (the task is eager here)
    with TestCase.captureOnCommitCallbacks(execute=True):
        swept = services.notification_events_sweep(
            now=timezone.now() + dt.timedelta(minutes=2)
        )
    # then: the watcher is told and e-mailed once, and nothing is left to sweep
    assert swept == 1
    row = Notification.objects.get(post=post, user=watcher)
    assert row.kind == NotificationKind.REPLY
    assert row.email_state == EmailState.SENT
    assert len(mail.outbox) == 1
    assert event_of(post).done_at is not None
    assert (
        services.notification_events_sweep(now=timezone.now() + dt.timedelta(hours=1))
        == 0
    )


# ----------------------------------------------------------------- the task


def _event_with_watchers(space: Any, watchers: int) -> tuple[Any, list[Any]]:
    """A reply in ``space`` recorded as an event (not fanned out yet) and its watchers."""
    topic = TopicFactory(space=space, with_posts=1)
    users = add_watchers(watchers, space=space)
    with (
        mock.patch(DELAY),
        TestCase.captureOnCommitCallbacks(execute=True),
        transaction.atomic(),
    ):
        post = PostFactory(topic=topic, author=UserFactory())
        services.notify_post_published(post=post)
    return post, users


def test_fan_out_batches_cost_the_same_number_of_queries(
    public_space, django_assert_num_queries
):
    # given: 12 watchers wanting e-mails (and the topic's author), batches of 5
    post, watchers = _event_with_watchers(public_space, 12)
    for user in watchers:
        VerifiedEmailAddressFactory(user=user)
    DiscussionSettings.objects.bulk_create(
        [DiscussionSettings(user=user, email_notifications=True) for user in watchers]
    )
    event_id = event_of(post).pk
    # when / then: the first run also tells the members named directly
    with mock.patch(DELAY):
        assert services.notification_event_fan_out(event_id=event_id, batch_size=5)
        # each later batch: the locked event, the page of watchers, their accounts,
        # 3 role queries, e-mail choices, the insert, the pending e-mails, the
        # cursor (and a savepoint and its release: the test runs in a transaction)
        with django_assert_num_queries(12):
            assert services.notification_event_fan_out(event_id=event_id, batch_size=5)
        with django_assert_num_queries(12):
            more = services.notification_event_fan_out(event_id=event_id, batch_size=5)
    assert not more
    told = set(Notification.objects.filter(post=post).values_list("user_id", flat=True))
    assert told == {u.pk for u in watchers} | {post.topic.author_id}
    assert event_of(post).done_at is not None


def test_fan_out_run_again_writes_no_duplicate(public_space):
    # given: an event fanned out to the end
    post, _watchers = _event_with_watchers(public_space, 7)
    event = event_of(post)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notification_event_fan_out(event_id=event.pk, batch_size=3)
    assert Notification.objects.filter(post=post).count() == 8
    # when: a redelivered task runs again, and a run restarts from the beginning
    # (as after a crash between the insert and the cursor's commit)
    services.notification_event_fan_out(event_id=event.pk, batch_size=3)
    NotificationEvent.objects.filter(pk=event.pk).update(cursor=None, done_at=None)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notification_event_fan_out(event_id=event.pk, batch_size=3)
    # then
    assert Notification.objects.filter(post=post).count() == 8
    assert event_of(post).done_at is not None


def test_fan_out_stopped_half_way_is_resumed_by_the_sweeper(public_space):
    # given: the first batch was written, then the next batch's message was lost
    post, _watchers = _event_with_watchers(public_space, 9)
    event = event_of(post)
    with mock.patch(DELAY):
        services.notification_event_fan_out(event_id=event.pk, batch_size=4)
    assert Notification.objects.filter(post=post).count() == 5  # author + 4
    # when: the sweeper finds the event open a minute later
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notification_events_sweep(now=timezone.now() + dt.timedelta(minutes=2))
    # then: everyone is told once
    assert Notification.objects.filter(post=post).count() == 10
    assert event_of(post).done_at is not None


def test_fan_out_tells_a_mentioned_watcher_once_as_mentioned(public_space):
    # given: a watcher of the space who is also mentioned
    topic = TopicFactory(space=public_space, with_posts=1)
    watcher = add_watchers(1, space=public_space)[0]
    # when
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        post = PostFactory(topic=topic, author=UserFactory())
        Mention.objects.create(post=post, user=watcher)
        services.notify_post_published(post=post)
    # then
    kinds = list(
        Notification.objects.filter(user=watcher).values_list("kind", flat=True)
    )
    assert kinds == [NotificationKind.MENTION]


def test_fan_out_of_a_vanished_post_does_nothing(public_space):
    post, _watchers = _event_with_watchers(public_space, 2)
    event_id = event_of(post).pk
    post.delete()
    assert services.notification_event_fan_out(event_id=event_id) is False
    assert not Notification.objects.exists()


def test_red_flag_release_tells_watchers_after_commit_even_those_mentioned(
    public_space, product_a, library_worker
):
    # given: a flag whose opening post mentioned a member who watches the product
    topic = TopicFactory(
        space=public_space, kind="red_flag", product=product_a, author=library_worker
    )
    opening = PostFactory(topic=topic, author=library_worker)
    mentioned = add_watchers(1, product=product_a)[0]
    Mention.objects.create(post=opening, user=mentioned)
    Notification.objects.create(
        user=mentioned, kind=NotificationKind.MENTION, topic=topic, post=opening
    )
    muted = add_watchers(1, space=public_space)[0]
    Subscription.objects.create(user=muted, product=product_a, level="muted")
    # when: the release records its event; nothing is written before the commit
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        services.notify_red_flag_released(topic=topic)
        assert not Notification.objects.filter(
            kind=NotificationKind.RED_FLAG_PUBLISHED
        ).exists()
    # then
    assert len(callbacks) == 1
    told = dict(
        Notification.objects.filter(
            kind=NotificationKind.RED_FLAG_PUBLISHED
        ).values_list("user_id", "product_id")
    )
    assert told == {library_worker.pk: product_a.pk, mentioned.pk: product_a.pk}

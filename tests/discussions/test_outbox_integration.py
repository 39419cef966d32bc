"""The notification outbox on a real Redis, a real Celery worker and a real SMTP server.

``test_outbox_survives_redis_outage_and_sends_each_email_once`` starts its own
``redis-server`` on a free port and points the Celery app at it (not eager), posts a
reply through the HTTP view (its notification fan-out is queued in Redis), stops
Redis and posts another reply (the view still redirects, the post is saved, its
notification event stays open), restarts Redis empty (the first reply's queued
message is lost with it), runs the sweepers twice, and checks with an in-process worker
(``celery.contrib.testing.worker.start_worker``) and an aiosmtpd sink that every
expected e-mail arrived exactly once. Without ``redis-server`` or aiosmtpd it skips,
unless ``COP_REQUIRE_SERVICES=1``, where it fails.
"""

from __future__ import annotations

import email
import shutil
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from cop.celery import app as celery_app
from discussions import services
from discussions.models import (
    DiscussionSettings,
    EmailState,
    Notification,
    NotificationEvent,
    Post,
    Subscription,
)
from tests.factories import (
    SpaceFactory,
    TopicFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.integration_support import (
    RedisServer,
    celery_on_broker,
    free_port,
    reset_broker_connections,
    service_missing,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class SinkHandler:
    """An SMTP server that keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SinkHandler]:
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        service_missing("aiosmtpd is not installed")
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def real_broker(redis_server: RedisServer) -> Iterator[Celery]:
    """The cop Celery app on the test's own Redis, not eager."""
    with celery_on_broker(
        celery_app,
        redis_server.url,
        # A publish to a stopped Redis fails after a short retry instead of hanging.
        broker_connection_retry=False,
        broker_connection_max_retries=1,
    ) as app:
        yield app


def _member_wanting_email(space: Any) -> Any:
    user = UserFactory()
    VerifiedEmailAddressFactory(user=user)
    DiscussionSettings.objects.create(user=user, email_notifications=True)
    Subscription.objects.create(user=user, space=space, level="watching")
    return user


def test_outbox_survives_redis_outage_and_sends_each_email_once(
    client, settings, redis_server, real_broker, smtp_sink
):
    # given: three members watching a public space and wanting instant e-mails
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    space = SpaceFactory(visibility="public")
    watchers = [_member_wanting_email(space) for _ in range(3)]
    author = UserFactory()
    VerifiedEmailAddressFactory(user=author)
    opener = UserFactory()  # told about replies on the site only (no e-mail chosen)
    topic = TopicFactory(space=space, author=opener, with_posts=1)
    reply_url = f"/discussions/t/{topic.pk}/reply/"
    client.force_login(author)

    # when: a reply while Redis is up (its fan-out waits in Redis, no worker yet)
    first = client.post(reply_url, {"body": "First reply about loan history."})
    assert first.status_code in (200, 302)
    first_post = Post.objects.get(topic=topic, body__startswith="First")
    assert NotificationEvent.objects.filter(post=first_post, done_at=None).exists()

    # when: a reply while Redis is down
    redis_server.stop()
    second = client.post(reply_url, {"body": "Second reply, broker down."})
    # then: the post is saved, the page works, its event waits
    assert second.status_code in (200, 302)
    second_post = Post.objects.get(topic=topic, body__startswith="Second")
    assert NotificationEvent.objects.filter(post=second_post, done_at=None).exists()

    # when: Redis comes back empty (the first reply's queued fan-out is gone too),
    # a real worker runs and the sweepers re-enqueue what is left, twice over
    redis_server.start()
    reset_broker_connections(real_broker)
    with start_worker(real_broker, perform_ping_check=False, shutdown_timeout=30):
        assert services.notification_events_sweep(min_age=timedelta(0)) == 2
        services.notification_events_sweep(min_age=timedelta(0))
        assert wait_until(
            lambda: not NotificationEvent.objects.filter(done_at=None).exists(), 60
        )
        # the outbox rows: one per watcher wanting e-mails, the opener on the site only
        for post in (first_post, second_post):
            states = dict(
                Notification.objects.filter(post=post).values_list(
                    "user_id", "email_state"
                )
            )
            assert set(states) == {watcher.pk for watcher in watchers} | {opener.pk}
            assert states[opener.pk] == EmailState.NONE
        services.notification_outbox_sweep(min_age=timedelta(0))
        assert wait_until(
            lambda: (
                Notification.objects.filter(email_state=EmailState.SENT).count() == 6
            ),
            60,
        ), list(Notification.objects.values_list("email_state", "email_error"))
        time.sleep(2)  # let any duplicate task run before counting

    # then: every expected e-mail arrived exactly once
    received = Counter(
        (tuple(rcpts), message["Message-ID"]) for rcpts, message in smtp_sink.messages
    )
    assert len(smtp_sink.messages) == 6
    assert all(count == 1 for count in received.values())
    for watcher in watchers:
        to_watcher = [m for rcpts, m in smtp_sink.messages if rcpts == [watcher.email]]
        assert len(to_watcher) == 2
        for message in to_watcher:
            assert message.is_multipart()
            types = {part.get_content_type() for part in message.walk()}
            assert {"text/plain", "text/html"} <= types
            raw = message.as_string()
            assert author.email not in raw
            assert "<img" not in raw
    assert not Notification.objects.filter(user=author).exists()

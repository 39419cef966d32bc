"""A Redis that hangs (SIGSTOP: connections accepted, never answered) stalls nothing.

The cache (page cache, rate limits) and the Celery broker are pointed at a throw-away
``redis-server`` with the project's client options; the server is stopped with SIGSTOP
and an anonymous page, a member's reply and ``/readyz`` must answer within seconds,
the reply saved and reported as saved.
"""

from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from cop.celery import app as celery_app
from cop.core import selectors
from discussions.models import DiscussionSettings, Post, Subscription
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
    service_missing,
)

# A hung Redis costs each client one timeout (COP_REDIS_TIMEOUT, 1 s) and a publish
# one retry; anything near gunicorn's 30 s worker timeout is the old stall.
ANSWER_WITHIN = 6.0


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    server = RedisServer(free_port())
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            os.kill(server.process.pid, signal.SIGCONT)
        server.stop()


@pytest.fixture
def redis_everywhere(settings: Any, redis_server: RedisServer) -> Iterator[None]:
    """Cache and broker on the throw-away Redis, configured as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "cop.core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "cop-hang-test",
            "OPTIONS": settings.REDIS_CLIENT_OPTIONS,
        }
    }
    with celery_on_broker(
        celery_app,
        redis_server.url,
        broker_transport_options={
            "visibility_timeout": 600,
            **settings.REDIS_CLIENT_OPTIONS,
        },
        broker_connection_timeout=settings.REDIS_TIMEOUT,
        task_publish_retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
    ):
        yield


def _timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.integration
# Committed rows: a reply's post-commit work needs them (pytest-django runs these
# transactional tests after the others, as for the outbox integration test).
@pytest.mark.django_db(transaction=True)
def test_hung_redis_page_post_and_readyz_answer_within_seconds(
    settings, redis_server, redis_everywhere
):
    # given: a public space with a topic, a member watching it by e-mail (so that a
    # reply publishes to the broker), and clients that have used Redis already
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    space = SpaceFactory(visibility="public")
    topic = TopicFactory(space=space, with_posts=1)
    watcher = UserFactory()
    VerifiedEmailAddressFactory(user=watcher)
    DiscussionSettings.objects.create(user=watcher, email_notifications=True)
    Subscription.objects.create(user=watcher, space=space, level="watching")
    author = UserFactory()
    VerifiedEmailAddressFactory(user=author)
    anonymous = Client(raise_request_exception=False)
    member = Client(raise_request_exception=False)
    member.force_login(author)
    reply_url = f"/discussions/t/{topic.pk}/reply/"
    assert anonymous.get(f"/discussions/s/{space.slug}/").status_code == 200
    assert (
        member.post(reply_url, {"body": "Reply while Redis is up."}).status_code == 302
    )

    # when: Redis stops answering
    os.kill(redis_server.process.pid, signal.SIGSTOP)
    try:
        page, page_seconds = _timed(
            lambda: anonymous.get(f"/discussions/s/{space.slug}/")
        )
        reply, reply_seconds = _timed(
            lambda: member.post(reply_url, {"body": "Reply while Redis hangs."})
        )
        ready, ready_seconds = _timed(lambda: anonymous.get("/readyz"))
    finally:
        os.kill(redis_server.process.pid, signal.SIGCONT)

    # then: each answers in seconds; the reply is saved once and said to be saved
    assert page.status_code == 200
    assert page_seconds < ANSWER_WITHIN
    assert reply.status_code == 302, reply.content[:500]
    assert reply_seconds < ANSWER_WITHIN
    assert Post.objects.filter(body="Reply while Redis hangs.").count() == 1
    assert ready.status_code == 503
    assert ready.json()["checks"]["broker"] != "ok"
    assert ready_seconds < settings.COP_READYZ_TIMEOUT + 1.5


def test_readyz_with_a_dependency_that_never_answers_is_503_within_its_budget(
    client, settings, monkeypatch, db
):
    # given: a broker check that would hang far longer than the budget
    settings.COP_READYZ_TIMEOUT = 0.5
    monkeypatch.setattr(selectors, "_broker_checks", lambda: time.sleep(10) or {})
    # when
    response, seconds = _timed(lambda: client.get("/readyz"))
    # then
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "no answer within 0.5 s"
    assert seconds < 5  # far below the check's 10 s
    # and: while that check still waits, the next call starts no second one
    again = client.get("/readyz").json()["checks"]["broker"]
    assert again == "no answer (an earlier check is still waiting)"

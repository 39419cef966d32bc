"""The topic documents that PostgreSQL's triggers keep (migrations 0008 and 0009)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections, transaction

from discussions import selectors, services
from discussions.models import Post
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the documents are PostgreSQL's"
)


def _found(query: str) -> set[str]:
    page = selectors.search_topics(viewer=AnonymousUser(), query=query)
    return {hit.topic.slug for hit in page.object_list}


def test_topic_document_follows_approve_and_merge(
    spaces: dict[str, Any], people: dict[str, Any]
) -> None:
    moderator = people["moderator"]
    source = TopicFactory(space=spaces["public"], slug="source")
    PostFactory(topic=source, body="Opening words.")
    pending = PostFactory(topic=source, body="Kumquat terms.", review_state="pending")
    target = TopicFactory(space=spaces["public"], slug="target")
    PostFactory(topic=target, body="Other words.")
    assert _found("kumquat") == set()
    # when: a moderator approves the pending reply
    services.post_approve(actor=moderator, post=pending)
    # then
    assert _found("kumquat") == {"source"}
    # when: the topic is merged (its posts move in one bulk update)
    services.topic_merge(actor=moderator, source=source, target=target)
    # then
    assert _found("kumquat") == {"target"}


@pytest.mark.django_db(transaction=True)
def test_topic_document_keeps_both_of_two_concurrent_edits(
    spaces: dict[str, Any],
) -> None:
    # given: a topic with two posts
    topic = TopicFactory(space=spaces["public"], slug="both")
    first = PostFactory(topic=topic, body="First words.")
    second = PostFactory(topic=topic, body="Second words.")
    started = threading.Event()

    def edit_second() -> None:
        try:
            started.set()
            with transaction.atomic():
                Post.objects.filter(pk=second.pk).update(body="Quince terms.")
        finally:
            connections.close_all()

    # when: one transaction edits the first post and, before it commits, another
    # edits the second (its trigger waits for the topic row)
    with transaction.atomic():
        Post.objects.filter(pk=first.pk).update(body="Kumquat terms.")
        other = threading.Thread(target=edit_second)
        other.start()
        started.wait(5)
        time.sleep(0.5)  # let the other statement reach the lock
    other.join(10)
    # then: the topic's document holds both edits
    assert _found("kumquat") == {"both"}
    assert _found("quince") == {"both"}


def test_search_snippet_marks_stemmed_matches_and_stays_text(
    spaces: dict[str, Any],
) -> None:
    topic = TopicFactory(space=spaces["public"], slug="stems")
    PostFactory(
        topic=topic,
        body="Their policies & <b>terms</b> changed.",
        body_html="<p>Their policies &amp; &lt;b&gt;terms&lt;/b&gt; changed.</p>",
    )
    page = selectors.search_topics(viewer=AnonymousUser(), query="policy")
    snippet = page.object_list[0].snippet
    assert ("policies", True) in snippet
    assert "".join(text for text, _match in snippet).strip() == (
        "Their policies & <b>terms</b> changed."
    )

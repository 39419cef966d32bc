"""Atom and RSS feeds: public content only, whoever asks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory, UserFactory

FEEDS = ["feed_site_atom", "feed_site_rss"]
SPACE_FEEDS = ["feed_space_atom", "feed_space_rss"]


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def content(spaces: dict[str, Any]) -> dict[str, Any]:
    author = UserFactory(display_name="Quiet Owl", email="owl@private.example")
    topics = {}
    for name, space in spaces.items():
        topics[name] = TopicFactory(
            space=space, author=author, title=f"Feed {name} topic"
        )
        PostFactory(
            topic=topics[name],
            author=author,
            body="Body",
            body_html=f'<p>Body of {name} <a href="https://x.example" onclick="x()">link</a></p>',
        )
    public = spaces["public"]
    topics["pending"] = TopicFactory(
        space=public, title="Feed pending topic", review_state="pending"
    )
    topics["hidden"] = TopicFactory(
        space=public, title="Feed hidden topic", hidden_at=timezone.now()
    )
    hidden_opening = TopicFactory(space=public, title="Feed topic hidden opening")
    PostFactory(
        topic=hidden_opening,
        body="x",
        body_html="<p>secret opening</p>",
        hidden_at=timezone.now(),
    )
    return topics


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "moderator", "admin"])
@pytest.mark.parametrize("name", FEEDS)
def test_site_feed_public_content_only_for_every_role(
    content: dict[str, Any], people: dict[str, Any], role: str, name: str
) -> None:
    response = _client(people[role]).get(reverse(f"discussions:{name}"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Feed public topic" in body
    assert "Body of public" in body
    assert "Feed topic hidden opening" in body
    assert "secret opening" not in body
    for other in ("members", "library_workers", "working_group", "pending", "hidden"):
        assert f"Feed {other} topic" not in body
    assert "owl@private.example" not in body
    assert "Quiet Owl" in body
    assert "onclick" not in body


@pytest.mark.parametrize("name", SPACE_FEEDS)
def test_space_feed_public_space_lists_its_topics(
    content: dict[str, Any], spaces: dict[str, Any], moderator: Any, name: str
) -> None:
    other = TopicFactory(title="Feed elsewhere topic")
    url = reverse(f"discussions:{name}", kwargs={"slug": spaces["public"].slug})
    body = _client(moderator).get(url).content.decode()
    assert "Feed public topic" in body
    assert other.title not in body


@pytest.mark.parametrize("role", ["anonymous", "library_worker", "moderator"])
@pytest.mark.parametrize("visibility", ["members", "library_workers", "working_group"])
@pytest.mark.parametrize("name", SPACE_FEEDS)
def test_space_feed_non_public_space_is_404(
    content: dict[str, Any],
    spaces: dict[str, Any],
    people: dict[str, Any],
    role: str,
    visibility: str,
    name: str,
) -> None:
    url = reverse(f"discussions:{name}", kwargs={"slug": spaces[visibility].slug})
    assert _client(people[role]).get(url).status_code == 404


def test_space_feed_unknown_space_is_404(db: Any) -> None:
    url = reverse("discussions:feed_space_rss", kwargs={"slug": "nowhere"})
    assert _client(None).get(url).status_code == 404


def test_site_feed_content_types(content: dict[str, Any]) -> None:
    atom = _client(None).get(reverse("discussions:feed_site_atom"))
    rss = _client(None).get(reverse("discussions:feed_site_rss"))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert rss["Content-Type"].startswith("application/rss+xml")


def test_site_feed_constant_queries(
    spaces: dict[str, Any], django_assert_num_queries: Any
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            topic = TopicFactory(space=spaces["public"], title=f"Counted topic {i}")
            PostFactory(topic=topic)

    add(1)
    client = _client(None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(reverse("discussions:feed_site_atom"))
    add(6)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("discussions:feed_site_atom"))

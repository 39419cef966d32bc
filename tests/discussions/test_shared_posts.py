"""The topic page's posts, rendered once per version and shared by every viewer.

The page with the shared markup must equal the page rendered without it, for every
role (the shared part holds nothing personal, the per-viewer slots are filled per
request), and a change must show at once.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from discussions import services
from discussions.fragments import shared
from discussions.models import HelpfulMark
from tests.factories import PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def _page_cache(settings: Any) -> Any:
    """The page cache (and with it the shared posts) on, in an empty cache."""
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    caches["default"].clear()
    shared._local.items.clear()
    shared._local.size = 0
    yield
    caches["default"].clear()


@pytest.fixture
def author(library: Any) -> Any:
    """A member with a pending and a hidden post in the topic."""
    from tests.factories import MembershipFactory

    user = UserFactory(display_name="Pending Author")
    MembershipFactory(user=user, organisation=library)
    return user


@pytest.fixture
def topic(
    public_space: Any,
    library_worker: Any,
    vendor_rep_a: Any,
    vendor_a: Any,
    author: Any,
) -> Any:
    """A topic with every kind of post a page shows."""
    topic = TopicFactory(space=public_space, author=library_worker, kind="question")
    PostFactory(topic=topic, author=library_worker, body_html="<p>Opening.</p>")
    official = PostFactory(
        topic=topic,
        author=vendor_rep_a,
        organisation=vendor_a,
        is_vendor_response=True,
        body_html="<p>Official answer.</p>",
    )
    PostFactory(topic=topic, author=library_worker, edited_at=timezone.now())
    PostFactory(
        topic=topic,
        author=author,
        hidden_at=timezone.now(),
        hidden_reason="moderator",
        body_html="<p>Hidden words.</p>",
    )
    PostFactory(
        topic=topic, author=author, review_state="pending", body_html="<p>Waiting.</p>"
    )
    PostFactory(topic=topic, author=None, body_html="<p>From a former member.</p>")
    topic.accepted_answer = official
    topic.save(update_fields=["accepted_answer"])
    HelpfulMark.objects.create(user=library_worker, post=official)
    official.helpful_count = 1
    official.save(update_fields=["helpful_count"])
    return topic


def _page(user: Any, url: str) -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return _CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


ROLES = ["anonymous", "library_worker", "vendor_rep_a", "moderator", "author"]


@pytest.mark.parametrize("role", ROLES)
def test_shared_posts_page_equals_the_page_rendered_per_viewer(
    settings, topic, people, author, monkeypatch, role
):
    # given: the page as this role sees it without any cache
    user = author if role == "author" else people[role]
    url = topic.get_absolute_url()
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = _page(user, url)
    # and the shared posts rendered for other viewers (a moderator sees every post)
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    _page(people["moderator"], url)
    _page(people["vendor_rep_a"], url)
    renders: list[int] = []
    real = shared.post_shared_parts

    def counting(**kwargs: Any) -> Any:
        renders.append(kwargs["post"].pk)
        return real(**kwargs)

    monkeypatch.setattr(shared, "post_shared_parts", counting)
    # when
    cached = _page(user, url)
    # then: the same page, with no post rendered afresh
    assert cached == uncached
    assert renders == []


def test_shared_posts_hold_nothing_personal(topic, people):
    # given
    html = _page(people["moderator"], topic.get_absolute_url())
    assert "Hidden words." in html
    # when: every stored fragment
    stored = "".join(
        "".join(parts.head + parts.middle + parts.tail)
        for _size, parts in shared._local.items.values()
    )
    # then: shared markup only (no body of a hidden or pending post, no token,
    # no button)
    assert stored
    assert "Hidden words." not in stored
    assert "Waiting." not in stored
    assert "csrfmiddlewaretoken" not in stored
    assert "<button" not in stored
    assert "Official answer." in stored


@pytest.mark.parametrize(
    "change",
    ["edit", "helpful", "hide", "approve", "unaccept"],
)
def test_a_change_shows_at_once_to_every_viewer(
    topic, people, author, change, django_capture_on_commit_callbacks
):
    # given: the shared posts rendered
    url = topic.get_absolute_url()
    worker, moderator = people["library_worker"], people["moderator"]
    before = _page(worker, url)
    posts = {post.number: post for post in topic.posts.all()}
    # when (the versions are bumped after commit)
    with django_capture_on_commit_callbacks(execute=True):
        shown, gone = _change(change, topic, posts, worker, moderator, author)
    # then
    after = _page(worker, url)
    if shown:
        assert shown in after
        assert shown not in before
    if gone:
        assert gone in before
        assert gone not in after


def _change(
    change: str, topic: Any, posts: Any, worker: Any, moderator: Any, author: Any
) -> tuple[str, str]:
    gone = ""
    if change == "edit":
        services.post_edit(actor=worker, post=posts[3], body="Words changed today.")
        shown = "Words changed today."
    elif change == "helpful":
        services.helpful_toggle(actor=author, post=posts[2])
        shown = "2 members found this helpful"
    elif change == "hide":
        services.post_hide(actor=moderator, post=posts[2], reason="Off topic")
        shown, gone = "", posts[2].body_html
    elif change == "approve":
        services.post_approve(actor=moderator, post=posts[5])
        shown = "Waiting."
    else:
        services.answer_unaccept(actor=worker, topic=topic)
        shown, gone = "", "post--accepted"
    return shown, gone


def test_shared_posts_degrade_when_the_cache_raises(topic, people, monkeypatch):
    # given
    url = topic.get_absolute_url()
    expected = _page(people["library_worker"], url)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "get_many", broken)
    monkeypatch.setattr(caches["default"], "set_many", broken)
    # when / then: rendered per request, never a 500
    assert _page(people["library_worker"], url) == expected


def test_shared_posts_add_no_query(settings, topic, people):
    # given: the signed-in page's queries without the shared posts
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(people["library_worker"])
    url = topic.get_absolute_url()
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    # when: with them, warm
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    client.get(url)
    with CaptureQueriesContext(connection) as shared_queries:
        assert client.get(url).status_code == 200
    # then
    assert len(shared_queries) == len(without)

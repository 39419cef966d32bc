"""The topic page's kept page of posts and its kept blocks, for readers who do not moderate.

With the cache on, the page must equal the page rendered per request for every
role, on the first (building) and a later (warm) request; a change must show at
once; the kept entry holds no body that not every reader may read; a CSRF token in
kept markup is always the requester's; and a cache failure renders per request.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.utils import timezone

from discussions import services
from discussions.fragments import shared, thread
from discussions.models import HelpfulMark
from discussions.services import moderation
from tests.factories import MembershipFactory, PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _page_cache(settings: Any) -> Any:
    """The page cache (and with it the kept pages) on, in an empty cache."""
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    caches["default"].clear()
    for local in (shared._local, thread._local):
        local.items.clear()
        local.size = 0
    yield
    caches["default"].clear()


@pytest.fixture
def users(people: Any, library: Any) -> dict[str, Any]:
    """Every role the topic page tells apart (``None``: anonymous)."""
    author = UserFactory(display_name="Pending Author")
    MembershipFactory(user=author, organisation=library)
    other = UserFactory(display_name="Other Worker")
    MembershipFactory(user=other, organisation=library)
    return {
        "anonymous": None,
        "topic_author": people["library_worker"],  # may accept an answer
        "other_worker": other,
        "vendor_rep_a": people["vendor_rep_a"],
        "moderator": people["moderator"],
        "author": author,  # of a pending and a hidden post
        "suspended": UserFactory(display_name="Gone Quiet", is_active=False),
    }


@pytest.fixture
def topic(public_space: Any, vendor_a: Any, users: Any) -> Any:
    """A question over two pages with every kind of post, answered on page 1."""
    worker, author = users["topic_author"], users["author"]
    topic = TopicFactory(space=public_space, author=worker, kind="question")
    PostFactory(topic=topic, author=worker, body_html="<p>Opening.</p>")
    official = PostFactory(
        topic=topic,
        author=users["vendor_rep_a"],
        organisation=vendor_a,
        is_vendor_response=True,
        body_html="<p>Official answer.</p>",
    )
    for number in range(3, 31):
        if number in (5, 28):
            PostFactory(
                topic=topic,
                author=author,
                hidden_at=timezone.now(),
                hidden_reason="moderator",
                body_html=f"<p>Hidden words {number}.</p>",
            )
        elif number in (6, 29):
            PostFactory(
                topic=topic,
                author=author,
                review_state="pending",
                body_html=f"<p>Waiting {number}.</p>",
            )
        elif number == 27:
            PostFactory(topic=topic, author=None, body_html="<p>Former member.</p>")
        else:
            PostFactory(topic=topic, author=users["other_worker"])
    topic.accepted_answer = official
    topic.save(update_fields=["accepted_answer"])
    HelpfulMark.objects.create(user=users["other_worker"], post=official)
    official.helpful_count = 1
    official.save(update_fields=["helpful_count"])
    return topic


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return _CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


ROLES = [
    "anonymous",
    "topic_author",
    "other_worker",
    "vendor_rep_a",
    "moderator",
    "author",
    "suspended",
]


@pytest.mark.parametrize("page", ["", "?page=2"])
@pytest.mark.parametrize("role", ROLES)
def test_kept_page_equals_the_page_rendered_per_request(
    settings, topic, users, role, page
):
    # given: the page as this role sees it without any cache
    client = _client(users[role])
    url = f"{topic.get_absolute_url()}{page}"
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = _page(client, url)
    # when: the kept page built by another reader, then this role's first and later page
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    _page(_client(users["vendor_rep_a"]), url)
    first = _page(client, url)
    later = _page(client, url)
    # then
    assert first == uncached
    assert later == uncached


def test_each_role_sees_what_the_rules_allow(topic, users):
    # given
    url = topic.get_absolute_url()
    pages = {role: _page(_client(users[role]), url) for role in ROLES}
    # then: pending and hidden bodies only for their author and the moderators
    for role, html in pages.items():
        sees = role in ("author", "moderator")
        assert ("Waiting 6." in html) is sees, role
        assert ("Hidden words 5." in html) is sees, role
        assert "Official answer." in html
    # the topic author (a question) may accept; the others may not
    assert 'action="/discussions/t/' in pages["topic_author"]
    assert "Accept as answer" in pages["topic_author"]
    assert "Accept as answer" not in pages["other_worker"]


def test_the_kept_entry_holds_no_restricted_body(topic, users):
    # given: the kept pages built
    url = topic.get_absolute_url()
    _page(_client(users["author"]), url)
    _page(_client(users["author"]), f"{url}?page=2")
    # when
    entries = [
        entry
        for _size, entry in thread._local.items.values()
        if isinstance(entry, thread.ThreadEntry)
    ]
    stored = repr(entries)
    # then
    assert len(entries) == 2
    assert "Official answer." in stored
    for words in ("Waiting 6.", "Waiting 29.", "Hidden words 5.", "Hidden words 28."):
        assert words not in stored
    assert "csrfmiddlewaretoken" not in stored


@pytest.mark.parametrize(
    "change", ["edit", "helpful", "hide", "accept", "unaccept", "approve"]
)
def test_a_change_shows_at_once(
    topic, users, change, django_capture_on_commit_callbacks
):
    # given: the kept page read by a member
    url = topic.get_absolute_url()
    worker = users["other_worker"]
    client = _client(worker)
    before = _page(client, url)
    posts = {post.number: post for post in topic.posts.all()}
    # when (the versions are bumped after commit)
    with django_capture_on_commit_callbacks(execute=True):
        shown, gone = _change(change, topic, posts, users)
    # then
    after = _page(client, url)
    if shown:
        assert shown not in before
        assert shown in after
    if gone:
        assert gone in before
        assert gone not in after


def _change(change: str, topic: Any, posts: Any, users: Any) -> tuple[str, str]:
    moderator, worker = users["moderator"], users["other_worker"]
    if change == "edit":
        services.post_edit(actor=worker, post=posts[3], body="Words changed today.")
        return "Words changed today.", ""
    if change == "helpful":
        services.helpful_toggle(actor=worker, post=posts[2])  # unmarks it
        return "", "1 member found this helpful"
    if change == "hide":
        services.post_hide(actor=moderator, post=posts[1], reason="Off topic")
        return "", "<p>Opening.</p>"
    if change == "accept":
        topic.refresh_from_db()
        services.answer_accept(actor=users["topic_author"], topic=topic, post=posts[4])
        return 'post--accepted" id="post-4"', ""
    if change == "unaccept":
        topic.refresh_from_db()
        services.answer_unaccept(actor=users["topic_author"], topic=topic)
        return "", "post--accepted"
    services.post_approve(actor=moderator, post=posts[6])
    return "Waiting 6.", ""


def test_a_reply_shows_on_its_page_at_once(
    settings, topic, users, django_capture_on_commit_callbacks
):
    # given: page 2 kept
    url = f"{topic.get_absolute_url()}?page=2"
    client = _client(users["other_worker"])
    assert "Brand new reply." not in _page(client, url)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        topic.refresh_from_db()
        services.post_create(
            actor=users["moderator"], topic=topic, body="Brand new reply."
        )
    # then
    kept = _page(client, url)
    assert "Brand new reply." in kept
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    assert kept == _page(client, url)


def test_the_csrf_token_in_kept_markup_is_the_requesters(topic, users):
    # given: the kept blocks rendered for one member
    url = topic.get_absolute_url()
    first, second = _client(users["topic_author"]), _client(users["other_worker"])
    first.get(url)
    # when
    response = second.get(url)
    # then: every token on the second member's page unmasks to their own secret
    secret = second.cookies[django_settings.CSRF_COOKIE_NAME].value
    tokens = _CSRF.findall(response.content.decode())
    assert len(tokens) > 3
    assert {_unmask_cipher_token(token) for token in tokens} == {secret}


def test_a_warm_signed_in_page_runs_three_queries(
    topic, users, django_assert_num_queries
):
    # given
    client = _client(users["other_worker"])
    url = f"{topic.get_absolute_url()}?page=2"
    client.get(url)
    # then: the session with the member, the topic, the member's helpful marks
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


def test_the_own_pending_post_costs_one_query_more(
    topic, users, django_assert_num_queries
):
    # given
    client = _client(users["author"])
    url = f"{topic.get_absolute_url()}?page=2"
    client.get(url)
    # then: their pending and hidden bodies in one query
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("broken", ["get", "set"])
def test_kept_pages_degrade_when_the_cache_raises(topic, users, monkeypatch, broken):
    # given
    client = _client(users["author"])
    url = topic.get_absolute_url()
    expected = _page(client, url)
    thread._local.items.clear()
    thread._local.size = 0

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], broken, fail)
    # when / then: rendered per request, never a 500
    assert _page(client, url) == expected


@pytest.mark.parametrize("change", ["lock", "merge", "pin"])
def test_a_change_to_the_topic_shows_at_once(
    settings, topic, users, public_space, change, django_capture_on_commit_callbacks
):
    # given: the kept topic and page read by a member
    url = topic.get_absolute_url()
    client = _client(users["other_worker"])
    assert "Your reply" in _page(client, url)
    moderator = users["moderator"]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        topic.refresh_from_db()
        if change == "lock":
            moderation.topic_lock(actor=moderator, topic=topic, reason="Done.")
        elif change == "merge":
            target = TopicFactory(space=public_space)
            PostFactory(topic=target)
            moderation.topic_merge(actor=moderator, source=topic, target=target)
        else:
            moderation.topic_pin(actor=moderator, topic=topic)
    # then: the page the member gets is the page rendered per request
    response = client.get(url)
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = client.get(url)
    assert response.status_code == uncached.status_code
    if change == "merge":
        assert response.status_code == 302
        assert response["Location"] == uncached["Location"]
        return
    kept = _CSRF.sub("", response.content.decode())
    assert kept == _CSRF.sub("", uncached.content.decode())
    if change == "lock":
        assert "Your reply" not in kept
    else:
        assert "Pinned" in kept


@pytest.mark.parametrize("role", ["anonymous", "other_worker", "author", "moderator"])
def test_an_accepted_answer_on_a_later_page_shows_in_the_box(
    settings, topic, users, role
):
    # given: the answer is post 26 (page 2); page 1 shows it in the box
    topic.accepted_answer = topic.posts.get(number=26)
    topic.save(update_fields=["accepted_answer"])
    client = _client(users[role])
    url = topic.get_absolute_url()
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = _page(client, url)
    # when
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    _page(_client(users["vendor_rep_a"]), url)
    kept = _page(client, url)
    # then
    assert kept == uncached
    assert "?page=2#post-26" in kept

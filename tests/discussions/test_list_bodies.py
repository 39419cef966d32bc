"""The index and space pages share their list body per viewer class.

For every role the page served from the shared body equals the page rendered
without any cache; the topics a member sees because they wrote them stay theirs;
a change shows at once; a warm signed-in page runs a fixed, small number of queries.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from discussions import services
from discussions.cache import content_changed
from discussions.fragments import lists
from discussions.fragments.common import TimeLabels
from discussions.models import ReadState
from discussions.selectors import reading as reading_selectors
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import MembershipFactory, TagFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

NOW = "2026-05-04 09:00Z"
URLS = [
    "/discussions/",
    "/discussions/?page=2",
    "/discussions/top/",
    "/discussions/s/open/",
    "/discussions/s/open/?kind=red_flag",
    "/discussions/s/open/?tag=embargoed-only-tag",
    "/discussions/s/library-workers/",
    "/discussions/tags/contracts/",
    "/discussions/tags/embargoed-only-tag/",
]
_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def _caches(settings: Any) -> Any:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    caches["default"].clear()
    lists._follow_controls.items.clear()
    with time_machine.travel(NOW, tick=False):
        yield
    caches["default"].clear()
    lists._follow_controls.items.clear()


@pytest.fixture
def readers(people: dict[str, Any], spaces: dict[str, Any], library: Any) -> Any:
    """Every role, with two members per viewer class where a class has authors."""
    colleague = UserFactory(email="colleague@riverside-library.example")
    MembershipFactory(user=colleague, organisation=library)
    pending_author = UserFactory()
    TopicFactory(
        space=spaces["public"],
        author=pending_author,
        title="My question still waiting for review",
        review_state="pending",
    )
    reading = UserFactory()
    services.reading_history_set(actor=reading, enabled=True)
    return {
        **people,
        "colleague": colleague,  # a library worker without an embargoed flag
        "member": UserFactory(),
        "pending_author": pending_author,
        "reading_member": reading,
        "suspended": UserFactory(is_active=False),
    }


@pytest.fixture
def listed(readers: Any, spaces: dict[str, Any], product_a: Any) -> list[Any]:
    """Topics in several spaces, an embargoed red flag, and one read topic."""
    flag = services.topic_create(
        actor=readers["library_worker"],
        space=spaces["public"],
        kind="red_flag",
        title="Stacks keeps circulation records forever",
        body="Clause 4.2 lets the vendor keep loan history indefinitely.",
        product=product_a,
        clause_reference="4.2",
        tags=["embargoed-only-tag"],
    )
    topics = [flag]
    contracts = TagFactory(name="contracts")
    for n in range(34):
        space = spaces["public" if n % 3 else "library_workers"]
        topic = TopicFactory(
            space=space,
            with_posts=1 + n % 3,
            last_activity_at=timezone.now() - timedelta(minutes=7 * n),
        )
        if n % 4 == 0:
            topic.tags.add(contracts)
        topics.append(topic)
    services.read_state_mark(
        actor=readers["reading_member"], topic=topics[2], last_number=1
    )
    return topics


def _page(user: Any, url: str, status: int = 200) -> bytes:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return _CSRF.sub(b"csrf", response.content)


def _any(user: Any, url: str) -> tuple[int, bytes]:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    return response.status_code, _CSRF.sub(b"csrf", response.content)


@pytest.mark.parametrize("url", URLS)
def test_shared_bodies_equal_uncached_pages_for_every_role(
    settings, readers, listed, url
):
    # given: each reader's page without any cache
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = {role: _any(user, url) for role, user in readers.items()}
    # when: every reader asks twice with the caches on (classmates fill for each other)
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    first = {role: _any(user, url) for role, user in readers.items()}
    again = {role: _any(user, url) for role, user in readers.items()}
    # then
    assert uncached["library_worker"][0] == 200
    for role in readers:
        assert first[role] == uncached[role], role
        assert again[role] == uncached[role], role


def test_a_member_sees_their_own_embargoed_and_pending_topics_their_classmates_not(
    settings, readers, listed
):
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    flag = b"Stacks keeps circulation records forever"
    waiting = b"My question still waiting for review"
    space = "/discussions/s/open/"
    for _ in range(2):  # filled by the first reader of each class, then hits
        assert flag not in _page(readers["colleague"], space)
        assert flag in _page(readers["library_worker"], space)
        assert flag not in _page(readers["colleague"], space)
        assert waiting not in _page(readers["member"], space)
        assert waiting in _page(readers["pending_author"], space)
        assert waiting not in _page(readers["member"], space)
        assert waiting in _page(readers["moderator"], space)


def test_only_the_member_with_reading_history_gets_unread_markers(
    settings, readers, listed
):
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    plain = _page(readers["member"], "/discussions/")
    marked = _page(readers["reading_member"], "/discussions/")
    assert b"read-marker" not in plain
    assert b"read-marker" in marked
    assert b"read-marker" not in _page(readers["member"], "/discussions/")


@pytest.mark.parametrize("url", ["/discussions/", "/discussions/s/open/"])
def test_changes_show_at_once_on_shared_bodies(
    settings,
    readers,
    listed,
    spaces,
    url,
    django_capture_on_commit_callbacks,
):
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    reader = readers["colleague"]
    _page(reader, url)
    # a new topic
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_create(
            actor=readers["member"],
            space=spaces["public"],
            kind="general",
            title="Exit plans that actually deleted our data",
            body="What did your vendor confirm in writing?",
        )
    assert b"Exit plans that actually deleted our data" in _page(reader, url)
    # a reply by a member with a new name
    replier = UserFactory(display_name="Late Replier")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(actor=replier, topic=topic, body="Ours did, in writing.")
    assert b"Last post by Late Replier" in _page(reader, url)
    # a moderator hides the reply
    reply = topic.posts.get(number=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(actor=readers["moderator"], post=reply, reason="Spam.")
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = _page(reader, url)
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    assert _page(reader, url) == uncached
    # the space closes to a working group the reader is not in
    with django_capture_on_commit_callbacks(execute=True):
        spaces["public"].visibility = "working_group"
        spaces["public"].working_group = spaces["working_group"].working_group
        spaces["public"].save(update_fields=["visibility", "working_group"])
        content_changed(space_id=spaces["public"].pk)
    if url == "/discussions/":
        assert b"Exit plans that actually deleted our data" not in _page(reader, url)
    else:
        _page(reader, url, status=404)


def test_a_relative_time_moving_on_renders_the_body_again(settings, readers, listed):
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    before = _page(readers["member"], "/discussions/s/open/")
    with time_machine.travel("2026-05-04 09:03Z", tick=False):
        after = _page(readers["member"], "/discussions/s/open/")
        settings.COP_DISCUSSIONS_PAGE_CACHE = False
        uncached = _page(readers["member"], "/discussions/s/open/")
    assert after == uncached
    assert after != before


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # the session with the member and their roles; the space (with the follow level)
        ("/discussions/", 1),
        ("/discussions/s/open/", 2),
    ],
)
def test_warm_signed_in_list_query_count_is_fixed(
    settings, readers, listed, url, queries, django_assert_num_queries
):
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    client = Client()
    client.force_login(readers["colleague"])
    client.get(url)
    # when: more topics (the body is rendered again once)
    for _ in range(5):
        TopicFactory(space=listed[1].space, with_posts=2)
    content_changed(space_id=listed[1].space_id)
    client.get(url)
    # then
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    # a member with reading history: their markers, one query more
    client.force_login(readers["reading_member"])
    client.get(url)
    with django_assert_num_queries(queries + 1):
        assert client.get(url).status_code == 200


def test_a_failing_cache_renders_the_list_for_the_request(
    settings, readers, listed, monkeypatch
):
    settings.COP_DISCUSSIONS_PAGE_CACHE = False
    uncached = _page(readers["library_worker"], "/discussions/")
    settings.COP_DISCUSSIONS_PAGE_CACHE = True

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("redis is down")

    monkeypatch.setattr(lists.pagecache, "scope_versions", broken)
    assert _page(readers["library_worker"], "/discussions/") == uncached


@pytest.mark.parametrize(
    "age",
    [0, 1, 59, 60, 61, 119, 3599, 3600, 7199, 86399, 86400, 604799, 604800],
)
def test_a_body_expires_when_its_first_relative_time_would_change(age):
    # given: a time shown `age` seconds after it
    now = timezone.now()
    value = now - timedelta(seconds=age)
    # when
    until = lists.times_valid_until([value, None], now)
    # then: the label holds until then, and changes then
    assert until is not None
    label = TimeLabels(now).label(value)
    assert TimeLabels(until - timedelta(microseconds=1)).label(value) == label
    assert TimeLabels(until).label(value) != label


@pytest.mark.parametrize("count", [1, 30, 31])
def test_read_states_equal_the_plain_query(readers, spaces, count):
    # given: a member with reading history who read every other topic
    reader = readers["reading_member"]
    topics = [TopicFactory(space=spaces["public"], with_posts=2) for _ in range(count)]
    for topic in topics[::2]:
        services.read_state_mark(actor=reader, topic=topic, last_number=1)
    ids = [topic.pk for topic in topics]
    # when
    got = reading_selectors.read_states_for(viewer=reader, topic_ids=ids)
    # then
    expected = dict(
        ReadState.objects.filter(user=reader, topic_id__in=ids).values_list(
            "topic_id", "last_read_number"
        )
    )
    assert got == expected
    assert len(got) == len(topics[::2])

"""The anonymous page cache: hits, invalidation after commit, bypasses, cache outages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory

from discussions import services
from discussions.cache import (
    CACHE_HEADER,
    cached_for_anonymous,
    content_changed,
    scope_versions,
    space_slug_scope,
)
from tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings: Any) -> Any:
    """Turn the page cache on (it is off in the test suite) with an empty cache."""
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def topic(public_space: Any, library_worker: Any) -> Any:
    topic = TopicFactory(space=public_space, author=library_worker)
    PostFactory(topic=topic, author=library_worker, body_html="<p>Opening post.</p>")
    PostFactory(topic=topic, body_html="<p>First reply.</p>")
    return topic


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return response


# ----------------------------------------------------------------- hits


def test_topic_page_anonymous_second_get_is_served_from_the_cache(
    client, topic, django_assert_num_queries
):
    url = topic.get_absolute_url()
    first = _get(client, url)

    with django_assert_num_queries(0):
        second = _get(client, url)

    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert b"First reply." in second.content


def test_topic_page_head_is_served_from_the_cache(client, topic):
    url = topic.get_absolute_url()
    _get(client, url)

    response = client.head(url)

    assert response.status_code == 200
    assert response[CACHE_HEADER] == "hit"


def test_topic_page_pages_are_cached_separately(client, topic):
    url = topic.get_absolute_url()
    _get(client, url)

    response = _get(client, f"{url}?page=1")

    assert response[CACHE_HEADER] == "miss"
    assert _get(client, f"{url}?page=1")[CACHE_HEADER] == "hit"


def test_space_list_anonymous_is_cached(client, topic):
    _get(client, "/discussions/")

    assert _get(client, "/discussions/")[CACHE_HEADER] == "hit"


# ----------------------------------------------------------------- never stale


def test_topic_page_shows_a_new_post_right_after_it_commits(
    client, topic, library_worker, django_capture_on_commit_callbacks
):
    url = topic.get_absolute_url()
    _get(client, url)
    _get(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            actor=library_worker, topic=topic, body="A fresh reply about retention."
        )
    response = _get(client, url)

    assert response[CACHE_HEADER] == "miss"
    assert b"A fresh reply about retention." in response.content


def test_topic_page_shows_an_edit_right_after_it_commits(
    client, topic, library_worker, django_capture_on_commit_callbacks
):
    post = topic.posts.get(number=1)
    url = topic.get_absolute_url()
    _get(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            actor=library_worker, post=post, body="The corrected opening post."
        )
    response = _get(client, url)

    assert b"The corrected opening post." in response.content
    assert b"Opening post." not in response.content


def test_topic_page_drops_a_post_a_moderator_hides(
    client, topic, moderator, django_capture_on_commit_callbacks
):
    post = topic.posts.get(number=2)
    url = topic.get_absolute_url()
    assert b"First reply." in _get(client, url).content

    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(actor=moderator, post=post, reason="Off-topic.")
    response = _get(client, url)

    assert b"First reply." not in response.content


def test_space_page_shows_a_new_topic_right_after_it_commits(
    client, topic, public_space, library_worker, django_capture_on_commit_callbacks
):
    url = public_space.get_absolute_url()
    _get(client, url)

    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            actor=library_worker,
            space=public_space,
            kind="general",
            title="Exit plans that actually deleted our data",
            body="What did your vendor confirm in writing?",
        )
    response = _get(client, url)

    assert b"Exit plans that actually deleted our data" in response.content


def test_space_page_anonymous_hit_runs_no_query(
    client, topic, public_space, django_assert_num_queries
):
    url = public_space.get_absolute_url()
    assert _get(client, url)[CACHE_HEADER] == "miss"

    with django_assert_num_queries(0):
        response = _get(client, url)

    assert response[CACHE_HEADER] == "hit"


def test_space_change_drops_its_space_page_and_topic_pages(
    client, topic, public_space, django_capture_on_commit_callbacks
):
    space_url = public_space.get_absolute_url()
    topic_url = topic.get_absolute_url()
    _get(client, space_url)
    _get(client, topic_url)

    with django_capture_on_commit_callbacks(execute=True):
        public_space.name = "Renamed space"
        public_space.save(update_fields=["name"])
        content_changed(space_id=public_space.pk)

    assert b"Renamed space" in _get(client, space_url).content
    assert b"Renamed space" in _get(client, topic_url).content


def test_content_changed_bumps_the_space_slug_scope(
    public_space, django_capture_on_commit_callbacks
):
    scope = space_slug_scope(public_space.slug)
    before = scope_versions([scope])

    with django_capture_on_commit_callbacks(execute=True):
        content_changed(space_id=public_space.pk, topic_id=1)

    assert scope_versions([scope]) != before


def test_content_changed_bumps_versions_only_after_commit(
    django_capture_on_commit_callbacks,
):
    before = scope_versions(["site", "space:4", "topic:9"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        content_changed(space_id=4, topic_id=9)
        assert scope_versions(["site", "space:4", "topic:9"]) == before
    after = scope_versions(["site", "space:4", "topic:9"])

    assert len(callbacks) == 1
    assert all(old != new for old, new in zip(before, after, strict=True))


def test_content_changed_in_a_rolled_back_transaction_bumps_nothing(
    django_capture_on_commit_callbacks,
):
    before = scope_versions(["site", "topic:9"])

    def change_then_fail() -> None:
        with transaction.atomic():
            content_changed(topic_id=9)
            raise RuntimeError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_then_fail()

    assert callbacks == []
    assert scope_versions(["site", "topic:9"]) == before


# ----------------------------------------------------------------- bypasses


def test_signed_in_member_is_never_served_nor_stored(client, topic, library_worker):
    url = topic.get_absolute_url()
    anonymous = _get(client, url)
    client.force_login(library_worker)

    member = _get(client, url)
    client.logout()
    client.cookies.clear()
    again = _get(client, url)

    assert CACHE_HEADER not in member
    assert member.content != anonymous.content  # the member's own page
    assert again[CACHE_HEADER] == "hit"
    assert again.content == anonymous.content


def test_members_only_topic_is_never_cached_for_anyone(client, spaces, library_worker):
    topic = TopicFactory(space=spaces["members"], author=library_worker, with_posts=1)
    url = topic.get_absolute_url()
    client.force_login(library_worker)
    assert CACHE_HEADER not in _get(client, url)
    client.logout()
    client.cookies.clear()

    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("cookie", ["sessionid", "messages", "django_language"])
def test_request_with_a_personal_cookie_bypasses_the_cache(client, topic, cookie):
    url = topic.get_absolute_url()
    _get(client, url)
    client.cookies[cookie] = "something"

    response = _get(client, url)
    client.cookies.clear()

    assert CACHE_HEADER not in response
    assert _get(client, url)[CACHE_HEADER] == "hit"


def test_request_with_the_csrf_cookie_only_still_uses_the_cache(
    client, topic, settings
):
    url = topic.get_absolute_url()
    _get(client, url)
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32

    assert _get(client, url)[CACHE_HEADER] == "hit"


@pytest.mark.parametrize("query", ["?page=1&q=x", "?page=abc", "?page=1&page=2"])
def test_request_with_another_query_bypasses_the_cache(client, topic, query):
    url = topic.get_absolute_url()

    first = client.get(f"{url}{query}")
    second = client.get(f"{url}{query}")

    assert CACHE_HEADER not in first
    assert CACHE_HEADER not in second


def test_htmx_request_bypasses_the_cache(client, topic):
    url = topic.get_absolute_url()
    _get(client, url)

    response = client.get(url, headers={"HX-Request": "true"})

    assert CACHE_HEADER not in response


def _anonymous_request(path: str = "/x/") -> Any:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize(
    "make_response",
    [
        lambda: _with_cookie(HttpResponse("personal")),
        lambda: HttpResponse("gone", status=404),
        lambda: _with_header(HttpResponse("mine"), "Cache-Control", "private"),
    ],
    ids=["sets-cookie", "not-200", "private"],
)
def test_unshareable_response_is_never_stored(make_response):
    calls = []

    @cached_for_anonymous(lambda request: ["site"])
    def view(request: Any) -> HttpResponse:
        calls.append(1)
        return make_response()

    first = view(_anonymous_request())
    second = view(_anonymous_request())

    assert len(calls) == 2
    assert CACHE_HEADER not in first
    assert CACHE_HEADER not in second


def test_response_rendering_a_csrf_token_is_never_stored():
    from django.middleware.csrf import get_token

    calls = []

    @cached_for_anonymous(lambda request: ["site"])
    def view(request: Any) -> HttpResponse:
        calls.append(1)
        return HttpResponse(f"form {get_token(request)}")

    view(_anonymous_request())
    view(_anonymous_request())

    assert len(calls) == 2


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("k", "v")
    return response


def _with_header(response: HttpResponse, header: str, value: str) -> HttpResponse:
    response[header] = value
    return response


# ----------------------------------------------------------------- outages


def test_cache_that_raises_degrades_to_uncached_pages(client, topic, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    cache = caches["default"]
    for name in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(cache, name, broken)

    first = _get(client, topic.get_absolute_url())
    second = _get(client, topic.get_absolute_url())

    assert CACHE_HEADER not in first
    assert CACHE_HEADER not in second
    assert b"First reply." in second.content


def test_content_changed_with_the_cache_down_does_not_raise(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "set_many", broken)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        content_changed(space_id=1, topic_id=2)

    assert len(callbacks) == 1


def test_redis_down_serves_uncached_pages(client, topic, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "cop.core.cache.ResilientRedisCache",
            # Nothing listens on port 9 (discard) of the loopback address.
            "LOCATION": "redis://127.0.0.1:9/4",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    first = _get(client, topic.get_absolute_url())
    second = _get(client, topic.get_absolute_url())

    # The per-process fallback is not shared by the workers: it is never used.
    assert CACHE_HEADER not in first
    assert CACHE_HEADER not in second
    assert b"First reply." in second.content


def test_a_new_display_name_shows_at_once_on_cached_pages(
    client, topic, library_worker, moderator, django_capture_on_commit_callbacks
):
    from cop.members.services.profiles import profile_update

    reader = Client()
    reader.force_login(moderator)
    url = topic.get_absolute_url()
    old_name = library_worker.display_name.encode()
    assert old_name in _get(client, url).content  # cached for anonymous readers
    assert old_name in _get(reader, url).content  # posts shared by members

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(user=library_worker, display_name="Renamed Reader", bio="")

    for viewer in (client, reader):
        page = _get(viewer, url).content
        assert b"Renamed Reader" in page
        assert old_name not in page


def test_a_renamed_organisation_shows_at_once_on_cached_pages(
    client, topic, moderator, django_capture_on_commit_callbacks
):
    from tests.factories import OrganisationFactory

    vendor = OrganisationFactory(kind="vendor", name="Old Vendor Name")
    PostFactory(topic=topic, organisation=vendor, body="An official answer.")
    reader = Client()
    reader.force_login(moderator)
    url = topic.get_absolute_url()
    assert b"Old Vendor Name" in _get(client, url).content  # anonymous, cached
    assert b"Old Vendor Name" in _get(reader, url).content  # members, shared posts

    with django_capture_on_commit_callbacks(execute=True):
        vendor.name = "New Vendor Name"
        vendor.save()

    for viewer in (client, reader):
        page = _get(viewer, url).content
        assert b"New Vendor Name" in page
        assert b"Old Vendor Name" not in page

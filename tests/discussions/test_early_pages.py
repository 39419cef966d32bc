"""Anonymous hits answered before the session and auth middleware (cop.core.early_pages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches

from cop.core import early_pages
from discussions import services
from discussions.cache import CACHE_HEADER
from tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache(settings: Any) -> Any:
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def topic(public_space: Any, library_worker: Any) -> Any:
    topic = TopicFactory(space=public_space, author=library_worker)
    PostFactory(topic=topic, author=library_worker, body_html="<p>Opening post.</p>")
    return topic


def _get(client: Any, url: str, **extra: Any) -> Any:
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response


def _answered_early(response: Any) -> bool:
    # The session and authentication middleware never ran for this request.
    request = response.wsgi_request
    return not hasattr(request, "session") and not hasattr(request, "user")


def test_second_anonymous_get_is_answered_before_the_session_middleware(
    client, topic, django_assert_num_queries
):
    url = topic.get_absolute_url()
    first = _get(client, url)

    with django_assert_num_queries(0):
        second = _get(client, url)

    assert not _answered_early(first)
    assert _answered_early(second)
    assert second[CACHE_HEADER] == "hit"
    assert second.content == first.content


def test_early_hit_keeps_the_headers_and_sets_no_cookie(client, topic):
    url = topic.get_absolute_url()
    first = _get(client, url)

    second = _get(client, url)

    assert _answered_early(second)
    assert not second.cookies
    assert "Set-Cookie" not in second
    for header in ("Content-Type", "X-Frame-Options", "Content-Security-Policy"):
        assert second[header] == first[header], header


@pytest.mark.parametrize(
    "url_of", [lambda t: t.get_absolute_url(), lambda t: t.space.get_absolute_url()]
)
def test_early_hit_is_never_stale_after_a_new_post(
    client, topic, library_worker, django_capture_on_commit_callbacks, url_of
):
    url = url_of(topic)
    _get(client, url)
    assert _answered_early(_get(client, url))

    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(
            actor=library_worker, topic=topic, body="Retention of loan history."
        )
    after = _get(client, url)

    assert not _answered_early(after)
    assert after[CACHE_HEADER] == "miss"
    if url == topic.get_absolute_url():
        assert b"Retention of loan history." in after.content
    assert _answered_early(_get(client, url))


def test_page_numbers_are_kept_apart(client, topic):
    url = topic.get_absolute_url()
    _get(client, url)
    _get(client, url, data={"page": "1"})

    plain = _get(client, url)
    numbered = _get(client, url, data={"page": "1"})

    assert _answered_early(plain)
    assert _answered_early(numbered)
    assert numbered.wsgi_request.get_full_path().endswith("?page=1")


def test_signed_in_member_is_never_answered_early_nor_stored(
    client, topic, library_worker
):
    url = topic.get_absolute_url()
    client.force_login(library_worker)
    _get(client, url)
    member = _get(client, url)
    client.logout()
    client.cookies.clear()

    anonymous = _get(client, url)

    assert not _answered_early(member)
    assert CACHE_HEADER not in member
    # Nothing the member saw was kept: the first anonymous request renders.
    assert not _answered_early(anonymous)
    assert anonymous[CACHE_HEADER] == "miss"


def test_a_session_cookie_goes_down_the_whole_stack(client, topic, settings):
    url = topic.get_absolute_url()
    _get(client, url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"

    response = _get(client, url)

    assert not _answered_early(response)


def test_the_csrf_cookie_alone_is_still_answered_early(client, topic, settings):
    url = topic.get_absolute_url()
    _get(client, url)
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32

    assert _answered_early(_get(client, url))


def test_htmx_and_post_requests_are_never_answered_early(client, topic):
    url = topic.get_absolute_url()
    _get(client, url)

    htmx = _get(client, url, HTTP_HX_REQUEST="true")
    posted = client.post(url)

    assert not _answered_early(htmx)
    assert not _answered_early(posted)


def test_members_only_pages_are_never_kept(client, spaces, library_worker):
    private = TopicFactory(space=spaces["members"], author=library_worker)
    PostFactory(topic=private, author=library_worker)
    url = private.get_absolute_url()

    first = client.get(url)
    second = client.get(url)

    assert first.status_code == second.status_code != 200
    assert not _answered_early(second)


def test_cache_that_raises_sends_every_request_down_the_stack(
    client, topic, monkeypatch
):
    url = topic.get_absolute_url()
    _get(client, url)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(early_pages, "lookup", broken)
    response = _get(client, url)

    assert not _answered_early(response)
    assert response[CACHE_HEADER] == "hit"  # the view's own cache still answers


def test_entries_are_keyed_on_the_deployed_code(client, topic, monkeypatch):
    url = topic.get_absolute_url()
    _get(client, url)
    early_pages._local.items.clear()
    monkeypatch.setattr(early_pages, "code_fingerprint", lambda: "another-deploy")

    assert not _answered_early(_get(client, url))

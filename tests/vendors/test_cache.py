"""The vendors page cache: equal to an uncached render for every role, never stale,
never one viewer's content for another, constant queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache as django_cache

from cop.privacy.services import reference_data_load
from cop.privacy.signals import reference_data_changed
from tests.roles import ROLES
from tests.vendors.disclosure_fixtures import answer_for
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import (
    ordinal_codes,
    product_url,
    publish,
    roadmap_item,
)
from vendors import services
from vendors.models import DisclosureSettings

pytestmark = pytest.mark.django_db

COMPARE = "/vendors/compare/"


@pytest.fixture
def page_cache(settings):
    """Turn the vendors page cache on, with an empty cache before and after."""
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    yield
    django_cache.clear()


def _main(response) -> str:
    """The page's main element; the CSRF token is masked anew on every render."""
    html = response.content.decode()
    main = re.search(r"<main.*</main>", html, re.S).group(0)
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1…"', main)


def _get(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", ROLES)
def test_cached_product_page_equals_uncached_for_every_role(
    client, settings, people, published_a, role
):
    if people[role] is not None:
        client.force_login(people[role])
    settings.COP_VENDORS_PAGE_CACHE = False
    uncached = _main(_get(client, product_url(published_a)))
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()

    first = _main(_get(client, product_url(published_a)))
    second = _main(_get(client, product_url(published_a)))

    assert first == uncached
    assert second == uncached


@pytest.mark.parametrize("role", ROLES)
def test_cached_comparison_equals_uncached_for_every_role(
    client, settings, people, published_a, product_b, vendor_rep_b, moderator, role
):
    publish(
        product_b, vendor_rep_b, moderator, [answer_for(ordinal_codes(product_b)[0])]
    )
    params = {"p": ["vendor-a/stacks", "vendor-b/finder"], "rows": "all"}
    if people[role] is not None:
        client.force_login(people[role])
    settings.COP_VENDORS_PAGE_CACHE = False
    uncached = _main(_get(client, COMPARE, params))
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()

    assert _main(_get(client, COMPARE, params)) == uncached
    assert _main(_get(client, COMPARE, params)) == uncached


def test_anonymous_page_comes_whole_from_the_cache_without_a_cookie(
    client, page_cache, published_a, django_assert_num_queries
):
    assert _get(client, product_url(published_a))["X-Cop-Page-Cache"] == "miss"

    with django_assert_num_queries(0):
        response = _get(client, product_url(published_a))

    assert response["X-Cop-Page-Cache"] == "hit"
    assert not response.cookies


def test_signed_in_pages_are_never_served_whole_from_the_cache(
    client, page_cache, published_a, library_worker
):
    _get(client, product_url(published_a))  # an anonymous reader fills the cache
    client.force_login(library_worker)

    response = _get(client, product_url(published_a))

    assert "X-Cop-Page-Cache" not in response
    assert "Sign out" in response.content.decode()
    # and what a member saw is never shown to the next anonymous reader
    client.logout()
    assert "Sign out" not in _get(client, product_url(published_a)).content.decode()


def test_signed_in_product_page_queries_stay_constant(
    client,
    page_cache,
    published_a,
    library_worker,
    vendor_rep_a,
    moderator,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(library_worker)
    _get(client, product_url(published_a))
    with django_assert_max_num_queries(50) as baseline:
        _get(client, product_url(published_a))
    # counted now: the connection's query log is a bounded deque
    expected = len(baseline.captured_queries)
    assert expected > 0
    # when: more answers, a second version and roadmap items
    publish(
        published_a,
        vendor_rep_a,
        moderator,
        [answer_for(c, 1) for c in ordinal_codes(published_a, 12)],
    )
    for n in range(3):
        roadmap_item(published_a, vendor_rep_a, title=f"Item {n}")
    _get(client, product_url(published_a))  # renders the new version once
    # then
    with django_assert_num_queries(expected):
        _get(client, product_url(published_a))


def test_product_page_is_never_stale_after_a_publish(
    client,
    page_cache,
    published_a,
    vendor_rep_a,
    moderator,
    library_worker,
    django_capture_on_commit_callbacks,
):
    code = ordinal_codes(published_a, 1)[0]
    client.force_login(library_worker)
    before = _get(client, product_url(published_a)).content.decode()
    client.logout()
    _get(client, product_url(published_a))  # cached for anonymous readers too
    assert "Version 2," not in before

    with django_capture_on_commit_callbacks(execute=True):
        publish(published_a, vendor_rep_a, moderator, [answer_for(code, 1, note="NEW")])

    assert "NEW" in _get(client, product_url(published_a)).content.decode()
    client.force_login(library_worker)
    assert "Version 2," in _get(client, product_url(published_a)).content.decode()


def test_roadmap_change_reaches_the_cached_page_and_comparison(
    client, page_cache, published_a, vendor_rep_a, django_capture_on_commit_callbacks
):
    _get(client, product_url(published_a))
    with django_capture_on_commit_callbacks(execute=True):
        item = roadmap_item(published_a, vendor_rep_a, title="Shorter logs")
    assert "Shorter logs" in _get(client, product_url(published_a)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.roadmap_item_change_status(
            item=item, actor=vendor_rep_a, status="shipped"
        )

    assert (
        "roadmap__item--shipped"
        in _get(client, product_url(published_a)).content.decode()
    )


def test_reference_data_or_settings_change_invalidates_every_page(
    client, page_cache, published_a, django_capture_on_commit_callbacks
):
    first = _get(client, product_url(published_a))
    assert _get(client, product_url(published_a))["X-Cop-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        reference_data_changed.send(sender=None)
    assert _get(client, product_url(published_a))["X-Cop-Page-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        DisclosureSettings.objects.create(stale_after_months=1)
    assert _get(client, product_url(published_a))["X-Cop-Page-Cache"] == "miss"
    assert first.status_code == 200


def test_reference_data_load_that_changes_nothing_keeps_the_cache(
    client, page_cache, published_a, django_capture_on_commit_callbacks
):
    _get(client, product_url(published_a))
    with django_capture_on_commit_callbacks(execute=True):
        reference_data_load()  # the same files: nothing written

    assert _get(client, product_url(published_a))["X-Cop-Page-Cache"] == "hit"


def test_comparison_reflects_a_new_publish(
    client,
    page_cache,
    published_a,
    product_b,
    vendor_rep_b,
    moderator,
    django_capture_on_commit_callbacks,
):
    params = {"p": ["vendor-a/stacks", "vendor-b/finder"]}
    assert "No published disclosure" in _get(client, COMPARE, params).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        publish(
            product_b,
            vendor_rep_b,
            moderator,
            [answer_for(ordinal_codes(product_b)[0])],
        )

    assert (
        "No published disclosure" not in _get(client, COMPARE, params).content.decode()
    )


def test_comparison_hits_run_no_query_for_anonymous_readers(
    client, page_cache, published_a, django_assert_num_queries
):
    params = {"p": ["vendor-a/stacks"]}
    _get(client, COMPARE, params)

    with django_assert_num_queries(0):
        response = _get(client, COMPARE, params)
    assert response["X-Cop-Page-Cache"] == "hit"


def test_bad_comparison_parameters_are_reported_and_never_cached(
    client, page_cache, published_a
):
    response = client.get(COMPARE, {"p": ["vendor-a/stacks"], "rows": "everything"})

    assert response.status_code == 200
    assert "was ignored" in response.content.decode()
    assert "X-Cop-Page-Cache" not in response


def test_cache_down_renders_uncached(client, page_cache, published_a, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(django_cache, "get_many", broken)

    response = _get(client, product_url(published_a))
    assert "Privacy disclosure" in response.content.decode()
    assert "X-Cop-Page-Cache" not in response


def test_anonymous_product_page_is_answered_before_the_session_middleware(
    client,
    page_cache,
    published_a,
    vendor_rep_a,
    moderator,
    django_capture_on_commit_callbacks,
):
    _get(client, product_url(published_a))
    hit = _get(client, product_url(published_a))
    # neither the session nor the authentication middleware ran
    assert not hasattr(hit.wsgi_request, "session")
    assert hit["X-Cop-Page-Cache"] == "hit"
    assert not hit.cookies
    code = ordinal_codes(published_a, 1)[0]

    with django_capture_on_commit_callbacks(execute=True):
        publish(
            published_a, vendor_rep_a, moderator, [answer_for(code, 1, note="NEWER")]
        )
    after = _get(client, product_url(published_a))

    assert hasattr(after.wsgi_request, "session")
    assert "NEWER" in after.content.decode()

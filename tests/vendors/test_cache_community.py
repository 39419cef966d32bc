"""The cached community part of a product page and the cached priorities page.

Rendered once per version for each answer to "may this reader set priorities?":
equal to an uncached render for every role, never one role's variant for another,
renewed by a vote or a membership change, constant queries, uncached when the cache
is down.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache as django_cache

from cop.core import pagecache
from tests.roles import ROLES
from tests.vendors.priorities_support import criteria_of, libraries, vote
from tests.vendors.public_support import *  # noqa: F403
from tests.vendors.public_support import product_url
from vendors import cache

pytestmark = pytest.mark.django_db

COMMUNITY = "/priorities/"
OWN_PRIORITIES = "Your library's priorities"


@pytest.fixture
def page_cache(settings):
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    yield
    django_cache.clear()


def _main(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    main = re.search(r"<main.*</main>", html, re.S).group(0)
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1…"', main)


@pytest.fixture
def voted(product_a, django_capture_on_commit_callbacks):
    """Five libraries ask one criterion of product A: a shown cell."""
    chosen = criteria_of(product_a, 1)
    with django_capture_on_commit_callbacks(execute=True):
        for pair in libraries(5):
            vote(pair, chosen, product=product_a)
    return chosen[0]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["product", "community"])
def test_cached_community_parts_equal_uncached_for_every_role(
    client, settings, people, published_a, voted, role, page
):
    url = product_url(published_a) if page == "product" else COMMUNITY
    if people[role] is not None:
        client.force_login(people[role])
    settings.COP_VENDORS_PAGE_CACHE = False
    uncached = _main(client.get(url))
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()

    assert _main(client.get(url)) == uncached
    assert _main(client.get(url)) == uncached
    assert f"{voted.title}</th><td>5</td>" in uncached or page == "community"


@pytest.mark.parametrize("page", ["product", "community"])
def test_one_roles_variant_is_never_shown_to_another(
    client, page_cache, published_a, library_worker, vendor_rep_a, page
):
    url = product_url(published_a) if page == "product" else COMMUNITY
    client.force_login(library_worker)
    assert OWN_PRIORITIES in client.get(url).content.decode()
    client.force_login(vendor_rep_a)
    assert OWN_PRIORITIES not in client.get(url).content.decode()
    client.logout()
    assert OWN_PRIORITIES not in client.get(url).content.decode()
    client.force_login(library_worker)
    assert OWN_PRIORITIES in client.get(url).content.decode()


def test_a_vote_renews_what_signed_in_members_see(
    client,
    page_cache,
    settings,
    product_a,
    library_worker,
    django_capture_on_commit_callbacks,
):
    chosen = criteria_of(product_a, 1)
    pairs = libraries(5)
    with django_capture_on_commit_callbacks(execute=True):
        for pair in pairs[:4]:
            vote(pair, chosen, product=product_a)
    client.force_login(library_worker)
    assert "</th><td>4</td>" not in client.get(product_url(product_a)).content.decode()
    client.get(COMMUNITY)

    with django_capture_on_commit_callbacks(execute=True):
        vote(pairs[4], chosen, product=product_a)

    cell = f"{chosen[0].title}</th><td>5</td>"
    assert cell in client.get(product_url(product_a)).content.decode()
    cached = _main(client.get(COMMUNITY))
    settings.COP_VENDORS_PAGE_CACHE = False
    assert cached == _main(client.get(COMMUNITY))


def test_a_membership_change_renews_the_community_counts(
    page_cache, library_worker, django_capture_on_commit_callbacks
):
    before = pagecache.scope_versions([cache.COMMUNITY_SCOPE])
    membership = library_worker.memberships.get()

    with django_capture_on_commit_callbacks(execute=True):
        membership.status = membership.Status.REVOKED
        membership.save()

    assert pagecache.scope_versions([cache.COMMUNITY_SCOPE]) != before


@pytest.mark.parametrize("page", ["product", "community"])
def test_signed_in_queries_do_not_grow_with_votes(
    client,
    page_cache,
    product_a,
    library_worker,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
    django_assert_max_num_queries,
    page,
):
    url = product_url(product_a) if page == "product" else COMMUNITY
    chosen = criteria_of(product_a, 3)
    pairs = libraries(12)
    with django_capture_on_commit_callbacks(execute=True):
        for pair in pairs[:5]:
            vote(pair, chosen[:1], product=product_a)
    client.force_login(library_worker)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    expected = len(few.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        for pair in pairs[5:]:
            vote(pair, chosen, product=product_a)
    client.get(url)  # renders the new counts once

    with django_assert_num_queries(expected):
        client.get(url)


@pytest.mark.parametrize("page", ["product", "community"])
def test_cache_down_renders_the_community_parts_uncached(
    client, page_cache, product_a, library_worker, voted, monkeypatch, page
):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(django_cache, "get_many", broken)
    client.force_login(library_worker)
    url = product_url(product_a) if page == "product" else COMMUNITY

    response = client.get(url)

    assert response.status_code == 200
    assert OWN_PRIORITIES in response.content.decode()

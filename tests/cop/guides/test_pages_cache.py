"""The home page and guides for signed-in members: viewer-independent HTML cached per
version (cop.guides.fragments), equal to an uncached render for every role, renewed
by every change of what it shows, constant queries, uncached when the cache is down."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.core import pagecache
from cop.guides.models import EventIndexPage, GuideIndexPage, HomeFeaturedGuide
from cop.privacy.models import Criterion
from tests.cop.guides.conftest import guide_make
from tests.cop.guides.test_events import NOW, event_make
from tests.factories import SpaceFactory, TopicFactory
from tests.roles import *  # noqa: F403
from tests.roles import ROLES

pytestmark = pytest.mark.django_db

GUIDE = "/guides/guide-1/"


@pytest.fixture
def site(reference: None, home: Any, guide_index: GuideIndexPage, moderator_a: Any):
    """A featured, reviewed guide, an upcoming event and a public discussion."""
    guide = guide_make(
        guide_index, 1, last_reviewed_on="2026-10-01", reviewed_by=moderator_a
    )
    HomeFeaturedGuide.objects.create(page=home, guide=guide, sort_order=0)
    event_make(EventIndexPage.objects.get(slug="events"), 1, days=1)
    TopicFactory(space=SpaceFactory(visibility="public"), title="Loans and logs")
    return guide


def _main(response: Any) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    main = re.search(r"<main.*</main>", html, re.S).group(0)
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1…"', main)


def _queries(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/", GUIDE, "/guides/", "/guides/?tag=contracts"])
@time_machine.travel(NOW, tick=False)
def test_cached_page_equals_uncached_for_every_role(
    client: Any, settings: Any, site: Any, people: dict[str, Any], role: str, url: str
) -> None:
    if people[role] is not None:
        client.force_login(people[role])
    settings.COP_GUIDES_PAGE_CACHE = False
    uncached = _main(client.get(url))
    settings.COP_GUIDES_PAGE_CACHE = True
    django_cache.clear()

    assert _main(client.get(url)) == uncached
    assert _main(client.get(url)) == uncached
    if url == "/":
        assert "Guide 1" in uncached
        assert "Event 1" in uncached
        assert "Loans and logs" in uncached
        assert ("Join the community" in uncached) == (role == "anonymous")
    elif url == GUIDE:
        assert "Last reviewed on 1 October 2026 by Ana Moderator." in uncached
    else:
        assert "/guides/guide-1/" in uncached


@time_machine.travel(NOW, tick=False)
def test_signed_in_home_is_renewed_by_a_publish_a_discussion_and_time(
    client: Any,
    page_cache: Any,
    site: Any,
    library_worker: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    assert "Guide 1" in client.get("/").content.decode()
    # a publish: the featured guide's new title
    site.title = "Guide one, revised"
    with django_capture_on_commit_callbacks(execute=True):
        site.save_revision().publish()
    assert "Guide one, revised" in client.get("/").content.decode()
    # a new public discussion (the discussions' own version)
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        topic = TopicFactory(space=SpaceFactory(visibility="public"), title="Fresh")
        from discussions.cache import content_changed

        content_changed(space_id=topic.space_id)
    assert "Fresh" in client.get("/").content.decode()
    # an event that is over leaves the list, with no change to any row
    assert "Event 1" in client.get("/").content.decode()
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        assert "Event 1" not in client.get("/").content.decode()


def test_guide_is_renewed_by_its_references_and_its_reviewers_name(
    client: Any,
    page_cache: Any,
    site: Any,
    moderator_a: Any,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    assert "by Ana Moderator." in client.get(GUIDE).content.decode()
    # the cited criterion's title
    with django_capture_on_commit_callbacks(execute=True):
        criterion = Criterion.objects.get(code="VPD-LAW-01")
        criterion.title = "A renamed criterion"
        criterion.save()
    assert "A renamed criterion" in client.get(GUIDE).content.decode()
    # the reviewer's display name
    moderator_a.display_name = "Ana Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        moderator_a.save()
    assert "by Ana Renamed." in client.get(GUIDE).content.decode()
    # a sign-in (only last_login saved) keeps the cached guide
    from cop.guides import cache

    before = pagecache.scope_versions([cache.REVIEWERS_SCOPE])
    with django_capture_on_commit_callbacks(execute=True):
        moderator_a.save(update_fields=["last_login"])
    assert pagecache.scope_versions([cache.REVIEWERS_SCOPE]) == before


def test_anonymous_guide_is_served_whole_from_the_cache_and_renewed(
    client: Any, page_cache: Any, site: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert client.get(GUIDE)["X-Cop-Page-Cache"] == "miss"
    hit = client.get(GUIDE)
    assert hit["X-Cop-Page-Cache"] == "hit"
    assert not hit.cookies
    site.intro = "A newer intro."
    with django_capture_on_commit_callbacks(execute=True):
        site.save_revision().publish()
    assert "A newer intro." in client.get(GUIDE).content.decode()


def test_signed_in_queries_do_not_grow_with_guides_events_and_discussions(
    client: Any,
    page_cache: Any,
    site: Any,
    home: Any,
    guide_index: GuideIndexPage,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    home_few, guide_few = _queries(client, "/"), _queries(client, GUIDE)
    index_few = _queries(client, "/guides/")
    events = EventIndexPage.objects.get(slug="events")
    space = SpaceFactory(visibility="public")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2, 6):
            HomeFeaturedGuide.objects.create(
                page=home, guide=guide_make(guide_index, n), sort_order=n
            )
            event_make(events, n, days=n)
            TopicFactory(space=space)
    assert _queries(client, "/") == home_few
    assert _queries(client, GUIDE) == guide_few
    assert _queries(client, "/guides/") == index_few


def test_a_preview_is_never_served_from_the_cache(
    client: Any, page_cache: Any, site: Any, admin: Any
) -> None:
    from cop.guides.fragments import guide_article

    guide_article(page=site)  # the live guide is cached
    site.intro = "An unpublished intro."

    assert "An unpublished intro." in guide_article(page=site, cached=False)
    assert "An unpublished intro." not in guide_article(page=site)


@pytest.mark.parametrize("url", ["/", GUIDE])
def test_cache_down_renders_uncached(
    client: Any,
    page_cache: Any,
    site: Any,
    library_worker: Any,
    monkeypatch: Any,
    url: str,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("cache down")

    monkeypatch.setattr(django_cache, "get_many", broken)
    assert client.get(url).status_code == 200
    client.force_login(library_worker)
    response = client.get(url)
    assert response.status_code == 200
    assert "Guide 1" in response.content.decode()


def test_a_new_view_restriction_applies_at_once(
    client: Any,
    page_cache: Any,
    site: Any,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from wagtail.models import PageViewRestriction

    client.force_login(library_worker)
    assert client.get(GUIDE).status_code == 200  # "no restriction anywhere" cached
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=site, restriction_type=PageViewRestriction.LOGIN
        )
    client.logout()

    response = client.get(GUIDE)

    assert response.status_code == 302
    assert "Guide 1" not in response.content.decode()


def test_remembered_routes_follow_every_change_of_the_tree(
    client: Any,
    page_cache: Any,
    site: Any,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(library_worker)
    assert client.get(GUIDE).status_code == 200
    # routed from the remembered route: one query loads the page, none walks the tree
    with CaptureQueriesContext(connection) as captured:
        assert client.get(GUIDE).status_code == 200
    assert not [q for q in captured if "wagtailcore_site" in q["sql"]]
    # a new slug: the old path no longer serves the page (it redirects), the new one does
    site.slug = "guide-one"
    with django_capture_on_commit_callbacks(execute=True):
        site.save_revision().publish()
    assert client.get(GUIDE).status_code in (301, 404)
    assert client.get("/guides/guide-one/").status_code == 200
    # an unpublished page is gone at once
    with django_capture_on_commit_callbacks(execute=True):
        site.unpublish()
    assert client.get("/guides/guide-one/").status_code == 404


def test_anonymous_guide_index_is_cached_per_topic_and_renewed_by_a_publish(
    client: Any,
    page_cache: Any,
    site: Any,
    guide_index: GuideIndexPage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert client.get("/guides/")["X-Cop-Page-Cache"] == "miss"
    assert client.get("/guides/")["X-Cop-Page-Cache"] == "hit"
    # another topic is another page
    other = client.get("/guides/", {"tag": "nothing-here"})
    assert "No guide has this topic." in other.content.decode()
    assert "No guide has this topic." not in client.get("/guides/").content.decode()
    # a new guide is listed at once
    with django_capture_on_commit_callbacks(execute=True):
        guide_make(guide_index, 2)
    assert "/guides/guide-2/" in client.get("/guides/").content.decode()

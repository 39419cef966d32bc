"""What readers see at /, /guides/ and the standard pages, and what it costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.guides.models import GuideIndexPage, HomeFeaturedGuide, HomePage
from tests.cop.guides.conftest import guide_make
from tests.factories import SpaceFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _queries(client: Any, url: str) -> int:
    """Queries of a warm request: the first request of a test also fills the
    process's caches (site root paths, content types), which is not per-page cost."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_guides_index_lists_guides_with_review_and_topics(
    client: Any, reference: None, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    guide_make(guide_index, 1, last_reviewed_on="2026-10-01", reviewed_by=moderator_a)
    guide_make(guide_index, 2)
    html = client.get("/guides/").content.decode()
    assert '<a href="/guides/guide-1/">Guide 1</a>' in html
    assert '<a href="/guides/guide-2/">Guide 2</a>' in html
    assert "Reviewed 1 October 2026" in html
    assert 'href="/guides/?tag=contracts">Contracts</a>' in html
    page = client.get("/guides/guide-1/").content.decode()
    assert "Last reviewed on 1 October 2026 by Ana Moderator." in page
    assert '<li aria-current="page">Guide 1</li>' in page  # breadcrumbs
    assert '<a href="/guides/" aria-current="page">Guides</a>' in page  # navigation


def test_guides_index_filters_by_tag(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    guide_make(guide_index, 1)
    guide_make(guide_index, 2)
    html = client.get("/guides/?tag=topic-2").content.decode()
    assert "/guides/guide-2/" in html
    assert "/guides/guide-1/" not in html
    empty = client.get("/guides/?tag=nothing-here").content.decode()
    assert "No guide has this topic." in empty


def test_drafts_are_not_listed_or_served(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    guide = guide_make(guide_index, 1)
    guide.unpublish()
    assert "/guides/guide-1/" not in client.get("/guides/").content.decode()
    assert client.get("/guides/guide-1/").status_code == 404


def test_guides_index_queries_do_not_grow_with_guides(
    client: Any, reference: None, guide_index: GuideIndexPage, moderator_a: Any
) -> None:
    for n in range(2):
        guide_make(guide_index, n, reviewed_by=moderator_a)
    few = _queries(client, "/guides/")
    for n in range(2, 8):
        guide_make(guide_index, n, reviewed_by=moderator_a)
    assert _queries(client, "/guides/") == few


def test_guide_page_queries_do_not_grow_with_references(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    guide_make(guide_index, 1)
    few = _queries(client, "/guides/guide-1/")
    many = guide_make(guide_index, 2)
    refs = {
        "heading": "",
        "criteria": ["VPD-LAW-02", "VPD-BRE-01", "VPD-CTR-01"],
        "red_flags": ["RF-04", "RF-11"],
    }
    many.body.append(("references", refs))
    many.body.append(("references", refs))
    many.save_revision().publish()
    assert _queries(client, "/guides/guide-2/") == few


def test_home_page_shows_featured_guides_and_latest_public_discussions(
    client: Any, reference: None, home: HomePage, guide_index: GuideIndexPage
) -> None:
    guide = guide_make(guide_index, 1)
    HomeFeaturedGuide.objects.create(page=home, guide=guide, sort_order=0)
    TopicFactory(
        space=SpaceFactory(visibility="public"), title="Retention of e-book loans"
    )
    TopicFactory(
        space=SpaceFactory(visibility="members"), title="Members-only question"
    )
    html = client.get("/").content.decode()
    assert "Featured guides" in html
    assert '<a href="/guides/guide-1/">Guide 1</a>' in html
    assert "Latest discussions" in html
    assert "Retention of e-book loans" in html
    assert "Members-only question" not in html


def test_home_page_queries_do_not_grow(
    client: Any, reference: None, home: HomePage, guide_index: GuideIndexPage
) -> None:
    space = SpaceFactory(visibility="public")
    guide = guide_make(guide_index, 0)
    HomeFeaturedGuide.objects.create(page=home, guide=guide, sort_order=0)
    TopicFactory(space=space)
    few = _queries(client, "/")
    for n in range(1, 5):
        HomeFeaturedGuide.objects.create(
            page=home, guide=guide_make(guide_index, n), sort_order=n
        )
        TopicFactory(space=space)
    assert _queries(client, "/") == few


def test_home_page_is_cached_for_anonymous_readers_and_refreshed_on_publish(
    client: Any,
    reference: None,
    guide_index: GuideIndexPage,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.COP_GUIDES_PAGE_CACHE = True
    from django.core.cache import cache

    cache.clear()
    first = client.get("/")
    assert first["X-Cop-Page-Cache"] == "miss"
    assert not first.cookies
    second = client.get("/")
    assert second["X-Cop-Page-Cache"] == "hit"
    # answered before the session middleware (cop.core.early_pages): no query at all
    assert not hasattr(second.wsgi_request, "session")
    assert _queries(client, "/") == 0
    # a publish anywhere in the tree replaces the cached page
    home = HomePage.objects.get()
    home.intro = "A new intro for the community."
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()
    third = client.get("/")
    assert third["X-Cop-Page-Cache"] == "miss"
    assert "A new intro for the community." in third.content.decode()
    # and so does a new public discussion
    assert client.get("/")["X-Cop-Page-Cache"] == "hit"
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        topic = TopicFactory(
            space=SpaceFactory(visibility="public"), title="Fresh topic"
        )
        from discussions.cache import content_changed

        content_changed(space_id=topic.space_id)
    fourth = client.get("/")
    assert fourth["X-Cop-Page-Cache"] == "miss"
    assert "Fresh topic" in fourth.content.decode()


def test_signed_in_members_are_never_served_from_the_cache(
    client: Any, settings: Any, moderator_a: Any
) -> None:
    settings.COP_GUIDES_PAGE_CACHE = True
    client.get("/")
    client.force_login(moderator_a)
    response = client.get("/")
    assert "X-Cop-Page-Cache" not in response


def test_criterion_page_links_back_to_the_guides_that_refer_to_it(
    client: Any, reference: None, guide_index: GuideIndexPage
) -> None:
    guide_make(guide_index, 1)  # refers to VPD-LAW-01
    draft = guide_make(guide_index, 2)
    draft.unpublish()
    html = client.get("/criteria/VPD-LAW-01/").content.decode()
    assert "Guides: how to ask your vendor about this" in html
    assert '<a href="/guides/guide-1/">Guide 1</a>' in html
    assert "/guides/guide-2/" not in html
    other = client.get("/criteria/VPD-GOV-01/").content.decode()
    assert "how to ask your vendor" not in other

"""Site search lists the published, public guides and standard pages above the topics."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cop.guides.models import GuideIndexPage, GuidePage, HomePage, StandardPage
from discussions.selectors.pages import PAGES_SHOWN, page_search
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory

SEARCH = reverse("discussions:search")


def _body(text: str) -> str:
    return json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"}])


def _guide(slug: str, text: str, *, publish: bool = True) -> GuidePage:
    index = GuideIndexPage.objects.get(slug="guides")
    guide = GuidePage(
        title=f"Guide {slug}", slug=slug, intro="A guide.", body=_body(text)
    )
    index.add_child(instance=guide)
    if publish:
        guide.save_revision().publish()
    else:
        guide.live = False
        guide.save_revision()
        guide.save(update_fields=["live"])
    return guide


@pytest.fixture
def pages(db: Any) -> dict[str, Any]:
    """Guides and a standard page about "zanzibar" in every publication state."""
    home = HomePage.objects.get()
    standard = StandardPage(
        title="About zanzibar", slug="about-zanzibar", body=_body("Who we are.")
    )
    home.add_child(instance=standard)
    standard.save_revision().publish()
    withdrawn = _guide("withdrawn", "Zanzibar, withdrawn.")
    withdrawn.unpublish()
    private = _guide("private", "Zanzibar for the group only.")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Page readers"))
    return {
        "published": _guide("published", "How to ask about zanzibar clauses."),
        "draft": _guide("draft", "A zanzibar draft.", publish=False),
        "withdrawn": withdrawn,
        "private": private,
        "standard": standard,
    }


def test_page_search_finds_only_live_public_pages(pages: dict[str, Any]) -> None:
    found = page_search(terms=["zanzibar"])
    assert {title for title, _url, _intro in found.pages} == {
        "Guide published",
        "About zanzibar",
    }
    assert found.count == 2
    assert all(url.startswith("/") for _title, url, _intro in found.pages)


def test_search_view_shows_pages_section_then_topics(
    pages: dict[str, Any], spaces: dict[str, Any], library_worker: Any
) -> None:
    topic = TopicFactory(space=spaces["public"], title="Zanzibar in a topic")
    PostFactory(topic=topic, body="Opening words.")
    client = Client()
    client.force_login(library_worker)
    content = client.get(SEARCH, {"q": "zanzibar"}).content.decode()
    assert "2 guides and pages found" in content
    assert pages["published"].url in content
    assert "Guide draft" not in content
    assert "Guide withdrawn" not in content
    assert "Guide private" not in content
    assert content.index("guides and pages found") < content.index("1 topic found")
    # narrowed to a space, only topics are searched
    narrowed = client.get(SEARCH, {"q": "zanzibar", "space": "open"}).content.decode()
    assert "guides and pages found" not in narrowed
    assert "1 topic found" in narrowed


def test_search_view_lists_pages_on_the_first_page_only(
    pages: dict[str, Any], spaces: dict[str, Any]
) -> None:
    for n in range(26):
        TopicFactory(space=spaces["public"], slug=f"z{n}", title=f"Zanzibar {n}")
    first = Client().get(SEARCH, {"q": "zanzibar"}).content.decode()
    second = Client().get(SEARCH, {"q": "zanzibar", "page": 2}).content.decode()
    assert "guides and pages found" in first
    assert "guides and pages found" not in second
    assert "26 topics found" in second


def test_page_search_caps_the_list_and_keeps_the_count(db: Any) -> None:
    for n in range(PAGES_SHOWN + 2):
        _guide(f"many-{n}", "Many zanzibar guides.")
    found = page_search(terms=["zanzibar", "guides"])
    assert len(found.pages) == PAGES_SHOWN
    assert found.count == PAGES_SHOWN + 2


@pytest.fixture
def cached_page_search(settings: Any) -> None:
    from django.core.cache import cache

    settings.COP_SEARCH_PAGE_CACHE = True
    cache.clear()


def _titles() -> set[str]:
    return {title for title, _url, _intro in page_search(terms=["zanzibar"]).pages}


def test_cached_page_search_is_never_stale_after_a_page_change(
    pages: dict[str, Any],
    cached_page_search: None,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    assert _titles() == {"Guide published", "About zanzibar"}
    with django_assert_num_queries(0):
        assert _titles() == {"Guide published", "About zanzibar"}
    with django_capture_on_commit_callbacks(execute=True):
        _guide("later", "Zanzibar, published later.")
    assert _titles() == {"Guide published", "About zanzibar", "Guide later"}
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=pages["published"], restriction_type=PageViewRestriction.LOGIN
        )
    assert _titles() == {"About zanzibar", "Guide later"}
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert _titles() == {"Guide published", "About zanzibar", "Guide later"}
    with django_capture_on_commit_callbacks(execute=True):
        pages["standard"].unpublish()
    assert _titles() == {"Guide published", "Guide later"}
    with django_capture_on_commit_callbacks(execute=True):
        pages["withdrawn"].save_revision().publish()
    assert _titles() == {"Guide published", "Guide later", "Guide withdrawn"}


def test_cached_page_search_keeps_the_words_apart(
    pages: dict[str, Any], cached_page_search: None
) -> None:
    assert page_search(terms=["zanzibar"]).count == 2
    assert page_search(terms=["zanzibar", "clauses"]).count == 1
    assert page_search(terms=["nothing"]).count == 0
    assert page_search(terms=["zanzibar"]).count == 2

"""Remembered routes load their page through a compiled query and keep it per tree
version, and a signed-in home page or guide reads every version it is keyed on in
one cache round trip."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cop.guides.models import GuideIndexPage, GuidePage, HomePage
from cop.guides.routing import _live_page
from tests.cop.guides.conftest import guide_make
from tests.roles import *  # noqa: F403

pytestmark = pytest.mark.django_db

GUIDE = "/guides/guide-1/"


def _plain(page: Any) -> Any:
    if page is None:
        return None
    return {k: v for k, v in page.__dict__.items() if not k.startswith("_")}


def test_the_compiled_live_page_equals_the_queryset(
    reference: None, home: HomePage, guide_index: GuideIndexPage
) -> None:
    # given: a live guide and one that was unpublished
    live = guide_make(guide_index, 1)
    gone = guide_make(guide_index, 2)
    gone.unpublish()
    for model, pk in (
        (HomePage, home.pk),
        (GuideIndexPage, guide_index.pk),
        (GuidePage, live.pk),
        (GuidePage, gone.pk),
        (GuidePage, home.pk),  # another type's id
    ):
        # when
        found = _live_page(model).first(page_id=pk)
        expected = _live_page(model).queryset(page_id=pk).first()
        # then
        assert _plain(found) == _plain(expected)
        assert type(found) is type(expected)
    assert _live_page(GuidePage).first(page_id=gone.pk) is None


@pytest.mark.parametrize("url", ["/", GUIDE])
def test_warm_signed_in_page_reads_the_cache_once_and_runs_one_query(
    client: Any,
    page_cache: Any,
    reference: None,
    guide_index: GuideIndexPage,
    library_worker: Any,
    monkeypatch: Any,
    url: str,
) -> None:
    guide_make(guide_index, 1)
    client.force_login(library_worker)
    assert client.get(url).status_code == 200  # Wagtail routes; the route is kept
    assert client.get(url).status_code == 200  # the kept route; the page is kept
    reads: list[Any] = []
    get_many = django_cache.get_many
    monkeypatch.setattr(
        django_cache, "get_many", lambda *a, **k: reads.append(a) or get_many(*a, **k)
    )
    # the session with the member: the page is kept by the process for its route
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert len(captured) == 1
    assert len(reads) == 1


def test_a_published_title_shows_at_once_and_each_request_gets_its_own_page(
    client: Any,
    page_cache: Any,
    reference: None,
    home: HomePage,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.template.response import TemplateResponse

    client.force_login(library_worker)
    first = client.get("/")
    second = client.get("/")
    assert isinstance(first, TemplateResponse)
    assert first.context_data["page"] is not second.context_data["page"]
    home.title = "A renamed community"
    with django_capture_on_commit_callbacks(execute=True):
        home.save_revision().publish()
    assert "A renamed community" in client.get("/").content.decode()

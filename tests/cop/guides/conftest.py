"""Fixtures for the guides pages: the reference data, the tree and two moderators."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache as django_cache

from cop.guides.models import GuideIndexPage, GuidePage, HomePage
from cop.members.permissions import MODERATORS_GROUP
from cop.privacy.services import reference_data_load
from tests.factories import TotpAuthenticatorFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_shared_pages_from_other_tests() -> None:
    """Start from an empty cache: a whole page an earlier test let the cache share
    (cop.core.early_pages) would otherwise answer this test's anonymous requests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def page_cache(settings: Any) -> Any:
    """The guides' page cache on, empty before and after."""
    settings.COP_GUIDES_PAGE_CACHE = True
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def reference(db: Any) -> None:
    """The shipped privacy reference data (criteria, red flags)."""
    reference_data_load()


@pytest.fixture
def home(db: Any) -> HomePage:
    return HomePage.objects.get()


@pytest.fixture
def guide_index(home: HomePage) -> GuideIndexPage:
    """The guide index that migration 0005 creates at /guides/."""
    return GuideIndexPage.objects.get(slug="guides")


def moderator_make(email: str, name: str) -> Any:
    user = UserFactory(email=email, display_name=name)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    TotpAuthenticatorFactory(user=user)
    return user


@pytest.fixture
def moderator_a(db: Any) -> Any:
    return moderator_make("ana@cop.example", "Ana Moderator")


@pytest.fixture
def moderator_b(db: Any) -> Any:
    return moderator_make("ben@cop.example", "Ben Moderator")


def guide_make(index: GuideIndexPage, n: int, **extra: Any) -> GuidePage:
    """Publish a guide with a few blocks under ``index``."""
    body = [
        {"type": "heading", "value": {"text": f"Section {n}", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Some text.</p>"},
        {
            "type": "references",
            "value": {
                "heading": "",
                "criteria": ["VPD-LAW-01"],
                "red_flags": ["RF-09"],
            },
        },
    ]
    guide = GuidePage(
        title=f"Guide {n}",
        slug=f"guide-{n}",
        intro=f"Intro {n}",
        body=json.dumps(body),
        **extra,
    )
    guide.tags.add("Contracts", f"Topic {n}")
    index.add_child(instance=guide)
    guide.save_revision().publish()
    return guide

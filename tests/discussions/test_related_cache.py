"""Related topics on a product page from the shared list of the product's topics.

The list is kept once for every reader; what each reader sees of it is decided per
request. It must give every role exactly what the database query gives, and show a
new, moved or merged topic at once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache as django_cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions import services
from discussions.related import (
    CANDIDATE_LIMIT,
    _topic_links,
    _visible_product_topics,
    related_topics_for_product,
)
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import MembershipFactory, TopicFactory, UserFactory
from tests.roles import ROLES
from tests.vendors.disclosure_fixtures import *  # noqa: F403

VIEWERS = (*ROLES, "author", "suspended")


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


@pytest.fixture
def shared_cache(settings: Any) -> Any:
    """Both page caches on, empty before and after."""
    settings.COP_DISCUSSIONS_PAGE_CACHE = True
    settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def viewers(people: dict[str, Any], library: Any) -> dict[str, Any]:
    """Every role, the author of the restricted topics, and a suspended member."""
    author = UserFactory(email="author@riverside-library.example")
    MembershipFactory(user=author, organisation=library)
    suspended = UserFactory(email="suspended@riverside-library.example")
    MembershipFactory(user=suspended, organisation=library)
    suspended.is_active = False
    suspended.save(update_fields=["is_active"])
    return {**people, "author": author, "suspended": suspended}


def _topics_in_every_state(
    spaces: dict[str, Any], product: Any, vendor: Any, author: Any, start: int = 0
) -> None:
    """One topic about ``product`` per visibility rule, newest last."""
    now = timezone.now() - dt.timedelta(hours=start)
    public = spaces["public"]
    states: list[dict[str, Any]] = [
        {"space": public},
        {"space": spaces["members"]},
        {"space": spaces["library_workers"]},
        {"space": spaces["working_group"]},
        {"space": public, "hidden_at": now},
        {"space": public, "review_state": "pending"},
        {"space": public, "review_state": "rejected"},
        {
            "space": public,
            "kind": "red_flag",
            "embargo_state": "embargoed",
            "embargo_vendor": vendor,
            "embargo_ends_at": now + dt.timedelta(days=7),
        },
        {"space": public, "merged_into": TopicFactory(space=public)},
        {"space": public},
    ]
    for n, fields in enumerate(states):
        TopicFactory(
            product=product,
            author=author,
            title=f"Stacks topic {start}-{n}",
            last_activity_at=now + dt.timedelta(minutes=n),
            **fields,
        )


def _titles(content: Any) -> list[str]:
    return [link.title for link in content.links] if content else []


def _expected(product: Any, viewer: Any) -> list[str]:
    return [
        link.title for link in _topic_links(_visible_product_topics(product.pk, viewer))
    ]


@pytest.mark.parametrize("crowded", [False, True], ids=["few", "crowded"])
@pytest.mark.parametrize("role", VIEWERS)
def test_related_topics_for_product_from_the_shared_list_equal_the_query(
    shared_cache: Any,
    spaces: dict[str, Any],
    product_a: Any,
    vendor_a: Any,
    viewers: dict[str, Any],
    role: str,
    crowded: bool,
) -> None:
    # given: topics in every state; "crowded" puts more working-group topics than
    # the shared list holds before them, so most readers need the query
    _topics_in_every_state(spaces, product_a, vendor_a, viewers["author"], start=2)
    _topics_in_every_state(spaces, product_a, vendor_a, viewers["author"], start=1)
    if crowded:
        for n in range(CANDIDATE_LIMIT + 2):
            TopicFactory(
                space=spaces["working_group"], product=product_a, title=f"WG {n}"
            )
    viewer = viewers[role] or AnonymousUser()
    expected = _expected(product_a, viewer)
    assert expected  # every role sees something
    # when: the shared list is built (first call) and then read (second call)
    first = related_topics_for_product(product=product_a, viewer=viewer)
    second = related_topics_for_product(product=product_a, viewer=viewer)
    # then
    assert _titles(first) == expected
    assert _titles(second) == expected


def test_a_new_topic_shows_at_once(
    shared_cache: Any,
    spaces: dict[str, Any],
    product_a: Any,
    library_worker: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    TopicFactory(space=spaces["public"], product=product_a, title="Older")
    assert _titles(
        related_topics_for_product(product=product_a, viewer=AnonymousUser())
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_create(
            actor=library_worker,
            space=spaces["public"],
            kind="question",
            title="Does Stacks keep loan history?",
            body="Asking for our consortium.",
            product=product_a,
        )
    titles = _titles(
        related_topics_for_product(product=product_a, viewer=AnonymousUser())
    )
    assert titles[0] == "Does Stacks keep loan history?"


def test_a_topic_moved_out_of_reach_or_merged_goes_at_once(
    shared_cache: Any,
    spaces: dict[str, Any],
    product_a: Any,
    vendor_rep_a: Any,
    moderator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    moved = TopicFactory(space=spaces["public"], product=product_a, title="Moved")
    merged = TopicFactory(space=spaces["public"], product=product_a, title="Merged")
    target = TopicFactory(space=spaces["public"], title="Target, about no product")
    assert set(
        _titles(related_topics_for_product(product=product_a, viewer=vendor_rep_a))
    ) == {
        "Moved",
        "Merged",
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_move(
            actor=moderator,
            topic=moved,
            space=spaces["library_workers"],
            reason="Scope",
        )
        services.topic_merge(
            actor=moderator, source=merged, target=target, reason="Dup"
        )
    assert (
        _titles(related_topics_for_product(product=product_a, viewer=vendor_rep_a))
        == []
    )
    assert "Moved" in _titles(
        related_topics_for_product(product=product_a, viewer=moderator)
    )


def _main(response: Any) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    main = re.search(r"<main.*</main>", html, re.S).group(0)  # type: ignore[union-attr]
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1…"', main)


@pytest.mark.parametrize("role", VIEWERS)
def test_cached_product_page_with_related_topics_equals_uncached(
    settings: Any,
    spaces: dict[str, Any],
    product_a: Any,
    vendor_a: Any,
    viewers: dict[str, Any],
    role: str,
) -> None:
    _topics_in_every_state(spaces, product_a, vendor_a, viewers["author"])
    url = reverse(
        "vendors:product_detail",
        kwargs={
            "vendor_slug": product_a.organisation.slug,
            "product_slug": product_a.slug,
        },
    )
    client = Client()
    if viewers[role] is not None:
        client.force_login(viewers[role])
    settings.COP_DISCUSSIONS_PAGE_CACHE = settings.COP_VENDORS_PAGE_CACHE = False
    uncached = _main(client.get(url))
    settings.COP_DISCUSSIONS_PAGE_CACHE = settings.COP_VENDORS_PAGE_CACHE = True
    django_cache.clear()
    try:
        assert _main(client.get(url)) == uncached
        assert _main(client.get(url)) == uncached
    finally:
        django_cache.clear()

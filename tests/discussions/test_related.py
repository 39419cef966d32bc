"""Related discussions on product pages (vendors.hooks provider)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions.related import RELATED_TOPICS, related_topics_for_product
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import TopicFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from vendors.hooks import product_related_content, related_content_for


def test_register_adds_the_discussions_provider(db: Any) -> None:
    assert dict(product_related_content)["discussions"] is related_topics_for_product


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {"public"}),
        ("library_worker", {"public", "members", "library_workers"}),
        ("vendor_rep_a", {"public", "members"}),
        ("moderator", {"public", "members", "library_workers", "working_group"}),
    ],
)
def test_related_topics_for_product_per_role(
    spaces: dict[str, Any],
    product_a: Any,
    people: dict[str, Any],
    role: str,
    expected: set[str],
) -> None:
    for name, space in spaces.items():
        TopicFactory(space=space, product=product_a, title=f"About stacks in {name}")
    TopicFactory(space=spaces["public"], title="Not about the product")
    viewer = people[role] or AnonymousUser()
    groups = related_content_for(product=product_a, viewer=viewer)
    titles = {link.title for group in groups for link in group.links}
    assert titles == {f"About stacks in {name}" for name in expected}
    # Signed-in members get the product's follow menu with the topics.
    menus = [group.extra.get("follow") for group in groups if group.template]
    if people[role]:
        assert [menu["target_type"] for menu in menus] == ["product"]
    else:
        assert menus == []


def test_related_topics_for_product_none_when_nothing_visible(
    spaces: dict[str, Any], product_a: Any
) -> None:
    TopicFactory(space=spaces["members"], product=product_a)
    assert related_topics_for_product(product=product_a, viewer=AnonymousUser()) is None


def test_related_topics_for_product_latest_first_limited_constant_queries(
    spaces: dict[str, Any], product_a: Any
) -> None:
    TopicFactory(space=spaces["public"], product=product_a)
    with CaptureQueriesContext(connection) as few:
        related_topics_for_product(product=product_a, viewer=AnonymousUser())
    topics = [
        TopicFactory(space=spaces["public"], product=product_a, title=f"Stacks {n}")
        for n in range(RELATED_TOPICS + 3)
    ]
    with CaptureQueriesContext(connection) as many:
        content = related_topics_for_product(product=product_a, viewer=AnonymousUser())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert [link.title for link in content.links] == [
        t.title for t in reversed(topics[-RELATED_TOPICS:])
    ]


def test_vendor_page_lists_visible_topics_and_follow_link(
    client: Any, spaces: dict[str, Any], product_a: Any, people: dict[str, Any]
) -> None:
    # given: a public topic and a library-workers-only topic about vendor A's product
    TopicFactory(space=spaces["public"], product=product_a, title="Public about stacks")
    TopicFactory(
        space=spaces["library_workers"], product=product_a, title="Private about stacks"
    )
    url = f"/vendors/{product_a.organisation.slug}/"
    # when / then: anonymous readers see the public topic and no follow link
    html = client.get(url).content.decode()
    assert "Public about stacks" in html
    assert "Private about stacks" not in html
    assert "Follow: notifications and digests" not in html
    # when / then: vendor B's representative still can't see the library workers' topic
    client.force_login(people["vendor_rep_b"])
    html = client.get(url).content.decode()
    assert "Private about stacks" not in html
    assert f"/discussions/follow/vendor/{product_a.organisation_id}/" in html

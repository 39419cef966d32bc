"""Surfaces that once revealed hidden topics: the public moderation log and tags.

An embargoed red flag, a library-workers-only space or a working group's private
space must not leak through a log entry or a tag's name: both answer exactly as
they would if the topic (or the tag) did not exist.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from discussions import services
from discussions.models import Space, Tag, Topic
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

LOG_URL = "/discussions/moderation/log/"


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def flag(library_worker: Any, public_space: Space, product_a: Any) -> Topic:
    """A red flag on vendor A's product, in its embargo window, tagged "retention"."""
    return services.topic_create(
        actor=library_worker,
        space=public_space,
        kind="red_flag",
        title="Stacks keeps circulation records forever",
        body="Clause 4.2 lets the vendor keep loan history indefinitely.",
        product=product_a,
        clause_reference="4.2",
        tags=["embargoed-only-tag"],
    )


#: Who may see an embargoed red flag (and so its log entries and its tags).
SEES_FLAG = {
    "anonymous": False,
    "library_worker": True,  # the author
    "vendor_rep_a": True,  # the flagged product's vendor
    "vendor_rep_b": False,
    "moderator": True,
    "admin": True,
}


# ----------------------------------------------------------------- moderation log


@pytest.mark.parametrize("role", list(SEES_FLAG))
def test_log_entries_of_an_embargoed_red_flag_follow_the_flag(
    flag: Topic, moderator: Any, people: dict[str, Any], role: str
) -> None:
    services.topic_lock(actor=moderator, topic=flag, reason="Lock during the window")
    services.topic_pin(actor=moderator, topic=flag, reason="Pinned while in window")
    reply = PostFactory(topic=flag)
    services.post_hide(actor=moderator, post=reply, reason="Hidden inside the flag")
    html = _client(people[role]).get(LOG_URL).content.decode()
    for reason in (
        "Lock during the window",
        "Pinned while in window",
        "Hidden inside the flag",
    ):
        assert (reason in html) is SEES_FLAG[role], (role, reason)


def test_log_entries_of_a_red_flag_become_public_with_it(
    flag: Topic, moderator: Any
) -> None:
    services.topic_lock(actor=moderator, topic=flag, reason="Lock during the window")
    assert "Lock during the window" not in Client().get(LOG_URL).content.decode()
    services.red_flag_release(topic=flag, actor=moderator, reason="Vendor answered.")
    html = Client().get(LOG_URL).content.decode()
    assert "Lock during the window" in html
    assert "Vendor answered." in html


def test_log_keeps_the_entry_of_a_hidden_public_topic(
    moderator: Any, public_space: Space
) -> None:
    # Hiding is what the log is for: the entry stays although the topic is gone.
    from django.utils import timezone

    topic = TopicFactory(space=public_space, with_posts=1)
    services.post_hide(
        actor=moderator, post=topic.posts.get(number=1), reason="Spam, removed"
    )
    Topic.objects.filter(pk=topic.pk).update(hidden_at=timezone.now())
    assert "Spam, removed" in Client().get(LOG_URL).content.decode()


def test_log_hides_the_rejection_of_a_topic_that_was_never_public(
    moderator: Any, library_worker: Any, public_space: Space, settings: Any
) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 5
    topic = services.topic_create(
        actor=library_worker,
        space=public_space,
        kind="question",
        title="A first question from a new member",
        body="Is this the right place to ask about licences?",
    )
    services.topic_reject(actor=moderator, topic=topic, reason="Never public reason")
    assert "Never public reason" not in Client().get(LOG_URL).content.decode()
    assert "Never public reason" in _client(moderator).get(LOG_URL).content.decode()


# ----------------------------------------------------------------- tags


def _tag_page(client: Client, slug: str) -> int:
    return client.get(reverse("discussions:tag", kwargs={"slug": slug})).status_code


def _follow_page(client: Client, tag_id: int) -> int:
    url = reverse(
        "discussions:follow", kwargs={"target_type": "tag", "target_id": tag_id}
    )
    return client.get(url).status_code


@pytest.mark.parametrize("role", list(SEES_FLAG))
def test_tag_used_only_on_an_embargoed_flag_answers_as_a_missing_tag(
    flag: Topic, people: dict[str, Any], role: str
) -> None:
    tag = Tag.objects.get(slug="embargoed-only-tag")
    client = _client(people[role])
    expected = 200 if SEES_FLAG[role] else 404
    assert _tag_page(client, tag.slug) == expected
    assert _tag_page(client, "no-such-tag") == 404
    if people[role] is not None:
        assert _follow_page(client, tag.pk) == expected
        assert _follow_page(client, 987_654) == 404
        body = client.get(
            reverse(
                "discussions:follow",
                kwargs={"target_type": "tag", "target_id": tag.pk},
            )
        ).content.decode()
        assert ("embargoed-only-tag" in body) is SEES_FLAG[role]


@pytest.mark.parametrize(
    ("space_key", "readers"),
    [
        ("library_workers", {"library_worker", "moderator"}),
        ("working_group", {"moderator"}),
    ],
)
def test_tag_of_a_private_space_is_known_only_to_its_readers(
    spaces: dict[str, Any], people: dict[str, Any], space_key: str, readers: set[str]
) -> None:
    topic = TopicFactory(space=spaces[space_key], with_posts=1)
    tag = Tag.objects.create(name="private-tag", slug="private-tag")
    topic.tags.add(tag)
    for role, user in people.items():
        if role == "admin":
            continue
        expected = 200 if role in readers else 404
        client = _client(user)
        assert _tag_page(client, "private-tag") == expected, role
        if user is not None:
            assert _follow_page(client, tag.pk) == expected, role


def test_unused_tag_answers_as_a_missing_tag(db: Any, client: Client) -> None:
    Tag.objects.create(name="nobody-uses-me", slug="nobody-uses-me")
    assert _tag_page(client, "nobody-uses-me") == 404


def test_space_filter_by_a_hidden_tag_shows_nothing(
    flag: Topic, public_space: Space
) -> None:
    html = (
        Client()
        .get(f"{public_space.get_absolute_url()}?tag=embargoed-only-tag")
        .content.decode()
    )
    assert flag.title not in html


def test_following_a_tag_one_cannot_know_is_refused(
    flag: Topic, vendor_rep_b: Any
) -> None:
    tag = Tag.objects.get(slug="embargoed-only-tag")
    url = reverse(
        "discussions:follow", kwargs={"target_type": "tag", "target_id": tag.pk}
    )
    response = _client(vendor_rep_b).post(url, {"level": "watching"})
    assert response.status_code == 404
    assert not vendor_rep_b.subscriptions.exists()

"""Search results are exactly what the visibility rule lets each role read.

Every role searches one corpus where the word "zanzibar" sits in every place the
rule treats differently; the topics found must equal, for each role, both a table
written out by hand and the set the one-object predicates (``can_read_topic``,
``can_see_post_body``) give when applied topic by topic in Python. Runs on the
database of the run: PostgreSQL's full-text path in CI, Wagtail's backend on SQLite.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cop.privacy.services.erasure import member_erase
from discussions import permissions, selectors, services
from discussions.models import Post, Topic
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import PostFactory, TopicFactory, UserFactory

SEARCH = reverse("discussions:search")
WORD = "zanzibar"


def _found(viewer: Any, query: str = WORD, **filters: Any) -> set[str]:
    page = selectors.search_topics(
        viewer=viewer or AnonymousUser(), query=query, page=1, **filters
    )
    assert page.paginator.count == len(page.object_list)  # one page here
    return {hit.topic.slug for hit in page.object_list}


def _by_rule(viewer: Any, word: str = WORD) -> set[str]:
    """Return the slugs of the topics that match ``word`` by the one-object predicates."""
    viewer = viewer or AnonymousUser()
    slugs = set()
    for topic in Topic.objects.select_related("space"):
        if not permissions.can_read_topic(viewer, topic):
            continue
        in_title = word in topic.title.lower()
        in_posts = any(
            word in post.body.lower() and permissions.can_see_post_body(viewer, post)
            for post in Post.objects.filter(topic=topic)
        )
        if in_title or in_posts:
            slugs.add(topic.slug)
    return slugs


@pytest.fixture
def corpus(
    spaces: dict[str, Any], vendor_a: Any, library_worker: Any
) -> dict[str, Topic]:
    """Topics whose only "zanzibar" is in a place the visibility rule decides on."""
    public = spaces["public"]
    stranger = UserFactory()

    def topic(slug: str, title: str = "Plain title", **fields: Any) -> Topic:
        fields.setdefault("space", public)
        fields.setdefault("author", stranger)
        created = TopicFactory(slug=slug, title=title, **fields)
        PostFactory(topic=created, author=created.author, body="Opening words.")
        return created

    topics = {
        name: topic(name, f"Zanzibar in the {name} space", space=space)
        for name, space in spaces.items()
    }
    topics["in_reply"] = topic("in_reply")
    PostFactory(topic=topics["in_reply"], body="The vendor keeps zanzibar logs.")
    topics["hidden_reply"] = topic("hidden_reply")
    PostFactory(
        topic=topics["hidden_reply"],
        body="A hidden zanzibar reply.",
        hidden_at=timezone.now(),
    )
    topics["pending_reply"] = topic("pending_reply")
    PostFactory(
        topic=topics["pending_reply"],
        author=library_worker,
        body="My zanzibar reply waits for a moderator.",
        review_state="pending",
    )
    topics["rejected_reply"] = topic("rejected_reply")
    PostFactory(
        topic=topics["rejected_reply"],
        body="A rejected zanzibar reply.",
        review_state="rejected",
    )
    topics["pending"] = topic("pending", "Zanzibar pending", review_state="pending")
    topics["own_pending"] = topic(
        "own_pending",
        "Zanzibar pending by the worker",
        review_state="pending",
        author=library_worker,
    )
    topics["hidden"] = topic("hidden", "Zanzibar hidden", hidden_at=timezone.now())
    topics["merged"] = topic(
        "merged", "Zanzibar merged", merged_into=topics["in_reply"]
    )
    embargo = {
        "kind": "red_flag",
        "embargo_vendor": vendor_a,
        "embargo_ends_at": timezone.now() + dt.timedelta(days=14),
    }
    topics["embargoed"] = topic(
        "embargoed", "Zanzibar red flag", embargo_state="embargoed", **embargo
    )
    topics["embargoed_reply"] = topic(
        "embargoed_reply", embargo_state="embargoed", **embargo
    )
    PostFactory(topic=topics["embargoed_reply"], body="Zanzibar data shared.")
    topics["released"] = topic(
        "released", "Zanzibar released", embargo_state="released", **embargo
    )
    topics["unrelated"] = topic("unrelated", "Nothing to find here")
    return topics


EVERYONE = {"public", "in_reply", "released"}
MEMBERS = EVERYONE | {"members"}
EXPECTED = {
    "anonymous": EVERYONE,
    "library_worker": MEMBERS | {"library_workers", "own_pending", "pending_reply"},
    "working_group_member": MEMBERS
    | {"library_workers", "working_group", "own_pending", "pending_reply"},
    "vendor_rep_a": MEMBERS | {"embargoed", "embargoed_reply"},
    "vendor_rep_b": MEMBERS,
    "moderator": MEMBERS
    | {
        "library_workers",
        "working_group",
        "hidden_reply",
        "pending_reply",
        "rejected_reply",
        "pending",
        "own_pending",
        "hidden",
        "embargoed",
        "embargoed_reply",
    },
}


def _viewer(role: str, people: dict[str, Any], working_group: Any) -> Any:
    if role == "working_group_member":
        people["library_worker"].groups.add(working_group)
        return people["library_worker"]
    return people[role]


@pytest.mark.parametrize("role", list(EXPECTED))
def test_search_topics_per_role_equals_visibility_rule(
    corpus: dict[str, Topic], people: dict[str, Any], working_group: Any, role: str
) -> None:
    viewer = _viewer(role, people, working_group)
    found = _found(viewer)
    assert found == EXPECTED[role]
    assert found == _by_rule(viewer)


def test_search_topics_admin_equals_visibility_rule(
    corpus: dict[str, Topic], people: dict[str, Any]
) -> None:
    assert _found(people["admin"]) == _by_rule(people["admin"])


def test_search_topics_follows_hide_edit_and_release(
    corpus: dict[str, Topic], people: dict[str, Any]
) -> None:
    reply = Post.objects.get(topic=corpus["in_reply"], number=2)
    # when: a moderator hides the only matching reply
    services.post_hide(actor=people["moderator"], post=reply, reason="Off topic.")
    # then
    assert "in_reply" not in _found(None)
    assert "in_reply" in _found(people["moderator"])
    # when: its author edits the zanzibar out of an opening post
    opener = Post.objects.get(topic=corpus["public"], number=1)
    services.post_edit(actor=opener.author, post=opener, body="Now about kumquats.")
    # then: the old word no longer finds the post, the new one does
    assert _found(None, "kumquats") == {"public"}
    # when: the embargo ends, everyone who reads the space sees the red flag
    Topic.objects.filter(pk=corpus["embargoed"].pk).update(embargo_state="released")
    assert "embargoed" in _found(None)


def test_search_topics_forgets_deleted_and_erased_text(
    spaces: dict[str, Any], library_worker: Any
) -> None:
    # given: a member who wrote about zanzibar, and a reply that names them
    member = UserFactory(display_name="Quillonmarsh")
    topic = TopicFactory(space=spaces["public"], slug="theirs", author=member)
    PostFactory(topic=topic, author=member, body="Our zanzibar clause.")
    answered = TopicFactory(space=spaces["public"], slug="answered")
    PostFactory(topic=answered, body="Where is the clause?")
    PostFactory(topic=answered, author=member, body="Zanzibar again.")
    PostFactory(topic=answered, body="Thanks @Quillonmarsh, that helps.")
    gone = PostFactory(topic=answered, body="A zanzibar typo, deleted.")
    assert _found(None) == {"theirs", "answered"}
    assert _found(None, "quillonmarsh") == {"answered"}
    # when
    gone.delete()
    member_erase(member=member, actor=member, keep_posts=False)
    # then: neither their text nor their name finds anything
    assert _found(None) == set()
    assert _found(None, "quillonmarsh") == set()
    assert _found(library_worker, "former member") == {"answered"}


def test_search_topics_counts_and_pages_are_exact(
    spaces: dict[str, Any], library_worker: Any
) -> None:
    # given: 30 visible matches, and 5 the worker may not read
    for n in range(30):
        space = spaces["public"] if n % 2 else spaces["members"]
        PostFactory(topic=TopicFactory(space=space, slug=f"v{n}"), body=WORD)
    for n in range(5):
        TopicFactory(space=spaces["working_group"], slug=f"wg{n}", title=WORD)
    # when
    pages = [
        selectors.search_topics(viewer=library_worker, query=WORD, page=n)
        for n in (1, 2)
    ]
    # then: both pages report the exact total and together hold each match once
    slugs = [hit.topic.slug for page in pages for hit in page.object_list]
    assert [page.paginator.count for page in pages] == [30, 30]
    assert [len(page.object_list) for page in pages] == [25, 5]
    assert sorted(slugs) == sorted(f"v{n}" for n in range(30))
    # a page past the end shows the last page, as elsewhere on the site
    past = selectors.search_topics(viewer=library_worker, query=WORD, page=9)
    assert past.number == 2
    assert [hit.topic.slug for hit in past.object_list] == slugs[25:]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="bulk-created rows are only in the stored documents of PostgreSQL",
)
def test_search_topics_count_beyond_any_candidate_limit_on_postgresql(
    spaces: dict[str, Any],
) -> None:
    # given: 601 matching topics, each with a matching post, and 40 hidden ones
    author = UserFactory()
    topics = Topic.objects.bulk_create(
        Topic(
            space=spaces["public"],
            author=author,
            title=f"Retention question {n}",
            slug=f"r{n}",
            last_activity_at=timezone.now(),
            hidden_at=timezone.now() if n >= 601 else None,
        )
        for n in range(641)
    )
    Post.objects.bulk_create(
        Post(topic=topic, number=1, author=author, body="Retention of loans.")
        for topic in topics
    )
    # when
    page = selectors.search_topics(viewer=AnonymousUser(), query="retention", page=3)
    # then
    assert page.paginator.count == 601
    assert page.paginator.num_pages == 25
    assert len(page.object_list) == 25


def test_search_view_query_count_is_constant(
    spaces: dict[str, Any], library_worker: Any, django_assert_num_queries: Any
) -> None:
    def topics(n: int, start: int) -> None:
        for k in range(start, start + n):
            topic = TopicFactory(space=spaces["members"], slug=f"t{k}", title=WORD)
            PostFactory(topic=topic, body=f"{WORD} body")
            PostFactory(topic=topic, body="reply")

    client = Client()
    client.force_login(library_worker)
    topics(2, 0)
    client.get(SEARCH, {"q": WORD})  # warm the session and the caches
    with django_assert_num_queries(QUERIES) as few:
        assert client.get(SEARCH, {"q": WORD}).status_code == 200
    topics(20, 2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(SEARCH, {"q": WORD})
    assert "22 topics found" in response.content.decode()


#: Queries of a results page for a signed-in member: the session with the member, the
#: viewer's spaces for the form, the page of topic ids with the count, the best
#: posts, then the page's topics and posts; then the guides and pages: the view
#: restrictions, and Wagtail's page search inside a savepoint. With Wagtail's
#: backend (SQLite) the matching topics and posts are read first, then intersected
#: with the rule.
QUERIES = 10 if connection.vendor == "postgresql" else 15


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", ""),
        ("x" * 10_240, "too long"),
        ("&|!:*()'\"\\", "no letters or digits"),
        ("zanzibar &|!:*()'\"\\", "3 topics found"),
        ("zanzibar:* | !(x & 'y')", "found"),
        ("the and of", "topics found"),
        ("\u202ezanzibar\u00e9\u4e2d", "found"),
    ],
)
def test_search_view_bad_input_gives_a_clear_page(
    corpus: dict[str, Topic], query: str, message: str
) -> None:
    response = Client().get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert message in response.content.decode()

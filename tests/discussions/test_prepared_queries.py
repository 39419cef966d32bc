"""The topic page's compiled queries return what their plain querysets return.

``discussions`` runs the topic page's fixed-shape queries through
``cop.core.prepared.PreparedQuery``; the rules still live in
``discussions.permissions``. These tests build a thread with every kind of post
(approved, pending, rejected, hidden, the viewer's own) and compare, for every role,
the compiled answer with the queryset built from the rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from cop.members.backends import MemberBackend, load_user_with_facts
from discussions import permissions
from discussions.models import HelpfulMark, Subscription, Topic
from discussions.selectors import notifications as notification_selectors
from discussions.selectors import posts as post_selectors
from discussions.selectors import topic_facts
from discussions.selectors import topics as topic_selectors
from tests.factories import PostFactory, TagFactory, TopicFactory, UserFactory
from tests.roles import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(public_space: Any, people: dict[str, Any]) -> Any:
    topic = TopicFactory(space=public_space, with_posts=4)
    worker = people["library_worker"]
    PostFactory(topic=topic, author=worker, review_state="pending")
    PostFactory(topic=topic, author=worker, review_state="rejected")
    PostFactory(topic=topic, author=UserFactory(), review_state="pending")
    PostFactory(topic=topic, hidden_at=timezone.now(), hidden_reason="flags")
    PostFactory(topic=topic, author=worker, hidden_at=timezone.now())
    PostFactory(topic=topic)
    return topic


def _viewer(people: dict[str, Any], role: str) -> Any:
    person = people[role]
    if person is None:
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser()
    return load_user_with_facts(MemberBackend(), person.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("first", "end"), [(1, 26), (3, 8), (9, 12), (40, 60)])
def test_thread_page_equals_the_rules_queryset(thread, people, role, first, end):
    viewer = _viewer(people, role)
    expected = list(post_selectors._thread_posts(viewer, thread.pk, first, end))
    got = post_selectors.thread_posts_load(
        viewer=viewer, topic_id=thread.pk, first=first, end=end
    )
    assert [(p.pk, p.author_id, p.organisation_id) for p in got] == [
        (p.pk, p.author_id, p.organisation_id) for p in expected
    ]
    assert [p.author.public_name if p.author else None for p in got] == [
        p.author.public_name if p.author else None for p in expected
    ]


@pytest.mark.parametrize("role", ["library_worker", "moderator", "vendor_rep_a"])
def test_helpful_marks_of_a_page_equal_the_id_query(thread, people, role):
    viewer = _viewer(people, role)

    def page() -> list[Any]:
        return post_selectors.thread_posts_load(
            viewer=viewer, topic_id=thread.pk, first=1, end=26
        )

    other = TopicFactory(space=thread.space, with_posts=2)
    someone = UserFactory()
    for post in [*page()[::2], *other.posts.all()]:
        HelpfulMark.objects.create(post=post, user_id=viewer.pk)
    for post in page()[1::2]:
        HelpfulMark.objects.create(post=post, user=someone)
    posts = page()
    expected = post_selectors.helpful_post_ids(
        viewer=viewer, post_ids=[p.pk for p in posts]
    )
    assert expected
    # Read with the page (viewer_marked) ...
    assert all(hasattr(p, "viewer_marked") for p in posts)
    assert (
        post_selectors.helpful_post_ids_for_page(viewer=viewer, posts=posts) == expected
    )
    # ... and asked by number range, for posts loaded another way.
    plain = list(post_selectors._thread_posts(viewer, thread.pk, 1, 26))
    assert (
        post_selectors.helpful_post_ids_for_page(viewer=viewer, posts=plain) == expected
    )
    assert post_selectors.helpful_post_ids_for_page(
        viewer=viewer, posts=plain[1:3]
    ) == (expected & {plain[1].pk, plain[2].pk})


@pytest.mark.parametrize("role", ROLES)
def test_space_and_topic_carry_the_viewer_follow_level_only_for_them(
    thread, people, role
):
    viewer = _viewer(people, role)
    member = people["library_worker"]
    Subscription.objects.create(user=member, topic=thread, level="watching")
    Subscription.objects.create(user=member, space=thread.space, level="muted")
    topic = permissions.access_topic(viewer, thread.pk)
    space = permissions.access_space(viewer, thread.space.slug)
    mine = role == "library_worker"
    for obj, field, level in ((topic, "topic", "watching"), (space, "space", "muted")):
        assert notification_selectors.follow_level_for(
            viewer=viewer, **{field: obj}
        ) == (level if mine else None)
    if role != "library_worker" and role != "anonymous":
        # What was read for one viewer is never answered for another.
        worker = _viewer(people, "library_worker")
        assert notification_selectors.follow_level_for(viewer=worker, topic=topic) == (
            "watching"
        )


def test_topic_tags_equal_the_relation_in_order(thread):
    for name in ("zeta", "alpha", "mid"):
        thread.tags.add(TagFactory(name=name, slug=name))
    TagFactory(name="unrelated", slug="unrelated")
    assert topic_facts.topic_tags(topic=thread) == list(thread.tags.all())
    assert [t.name for t in topic_facts.topic_tags(topic=thread)] == [
        "alpha",
        "mid",
        "zeta",
    ]


@pytest.mark.parametrize("level", ["watching", "muted", None])
def test_follow_level_on_each_target(thread, people, level):
    viewer = people["library_worker"]
    if level:
        Subscription.objects.create(user=viewer, topic=thread, level=level)
        Subscription.objects.create(user=viewer, space=thread.space, level=level)
    Subscription.objects.create(user=people["moderator"], topic=thread, level="muted")
    assert notification_selectors.follow_level_for(viewer=viewer, topic=thread) == level
    assert (
        notification_selectors.follow_level_for(viewer=viewer, space=thread.space)
        == level
    )
    assert (
        notification_selectors.follow_level_for(viewer=viewer, topic_id=thread.pk)
        == level
    )


@pytest.mark.parametrize("role", ROLES)
def test_topic_access_equals_the_rules(thread, people, role, spaces):
    viewer = _viewer(people, role)
    hidden = TopicFactory(space=spaces["library_workers"])
    for topic in (thread, hidden):
        readable = permissions.can_read_topic(viewer, topic)
        if readable:
            got = permissions.access_topic(viewer, topic.pk)
            assert (got.pk, got.space.slug, got.author_id) == (
                topic.pk,
                topic.space.slug,
                topic.author_id,
            )
        else:
            with pytest.raises(Http404):
                permissions.access_topic(viewer, topic.pk)


# ----------------------------------------------------------------- topic lists


@pytest.fixture
def many_topics(spaces: dict[str, Any], people: dict[str, Any], vendor_a: Any) -> Any:
    """Topics of every state in two spaces, some tagged, two pinned."""
    public, members = spaces["public"], spaces["members"]
    tag = TagFactory(name="licensing", slug="licensing")
    worker = people["library_worker"]
    made = []
    for i in range(70):
        topic = TopicFactory(
            space=public if i % 3 else members,
            kind="question" if i % 2 else "general",
            pinned_at=timezone.now() if i in (5, 40) else None,
        )
        if i % 4 == 0:
            topic.tags.add(tag)
        made.append(topic)
    TopicFactory(space=public, author=worker, review_state="pending")
    TopicFactory(space=public, review_state="pending")
    TopicFactory(space=public, hidden_at=timezone.now())
    TopicFactory(
        space=public,
        kind="red_flag",
        embargo_state="embargoed",
        embargo_vendor=vendor_a,
        embargo_ends_at=timezone.now() + timezone.timedelta(days=14),
    )
    TopicFactory(space=spaces["working_group"])
    return {"tag": tag, "topics": made}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "filters",
    [{"space": "public"}, {"space": "public", "kind": "question"}, {"tag": True}, {}],
    ids=["space", "space+kind", "tag", "everywhere"],
)
@pytest.mark.parametrize("page", ["2", "99", "x"])
def test_topic_page_equals_paginating_topic_list(
    many_topics, spaces, people, role, filters, page
):
    from django.core.paginator import Paginator

    viewer = _viewer(people, role)
    kwargs = {
        "space": spaces[filters["space"]] if "space" in filters else None,
        "tag": many_topics["tag"] if filters.get("tag") else None,
        "kind": filters.get("kind"),
    }
    expected = Paginator(
        topic_selectors.topic_list(viewer=viewer, **kwargs),
        topic_selectors.TOPICS_PER_PAGE,
    ).get_page(page)
    got = topic_selectors.topic_page(viewer=viewer, page=page, **kwargs)
    assert got.number == expected.number
    assert got.paginator.count == expected.paginator.count
    assert got.paginator.num_pages == expected.paginator.num_pages
    assert [t.pk for t in got.object_list] == [t.pk for t in expected.object_list]


def test_viewers_with_different_groups_never_share_a_compiled_list(
    spaces, working_group, people
):
    """Two members whose rules differ only by a group get their own compiled query."""
    inside, outside = UserFactory(), UserFactory()
    inside.groups.add(working_group)
    secret = TopicFactory(space=spaces["working_group"], title="Group only")
    for first, second in ((inside, outside), (outside, inside)):
        for person in (first, second):
            viewer = load_user_with_facts(MemberBackend(), person.pk)
            ids = [t.pk for t in topic_selectors.topic_page(viewer=viewer, page=1)]
            assert (secret.pk in ids) is (person == inside)


def test_page_tags_equal_each_topics_relation_in_order(many_topics, spaces):
    extra = [TagFactory(name=n, slug=n) for n in ("zulu", "alpha", "mike")]
    topics = list(many_topics["topics"])[:45]  # more than one compiled chunk
    for i, topic in enumerate(topics):
        topic.tags.add(*extra[: i % 4])
    rows = topic_selectors.topic_rows_prepare(
        topics=Topic.objects.filter(pk__in=[t.pk for t in topics])
    )
    assert len(rows) == 45
    for row in rows:
        assert [(t.pk, t.name, t.slug) for t in row.tag_list] == [
            (t.pk, t.name, t.slug) for t in row.tags.all()
        ]

"""The discussion demo content: consistent rows, every topic type, idempotent; large scale."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.utils import timezone

from cop.core.seeding import SCALE_DEMO, SCALE_LARGE, seeders
from cop.members.seeding import seed_members
from discussions import seeding
from discussions.models import (
    DigestFrequency,
    DiscussionSettings,
    EmbargoState,
    HelpfulMark,
    Mention,
    Post,
    PostFlag,
    PostRevision,
    ReviewState,
    Space,
    Subscription,
    Topic,
    TopicKind,
    Visibility,
)
from discussions.seeding import large as large_seeding
from discussions.seeding import seed_discussions
from vendors.seeding import seed_vendors

pytestmark = pytest.mark.django_db


def _seed(scale: str = SCALE_DEMO) -> dict[str, int]:
    out = io.StringIO()
    seed_members(scale=SCALE_DEMO, stdout=out)
    seed_vendors(scale=SCALE_DEMO, stdout=out)
    return seed_discussions(scale=scale, stdout=out)


def _row_counts() -> dict[str, int]:
    models: list[Any] = [
        Space,
        Topic,
        Post,
        PostRevision,
        HelpfulMark,
        Mention,
        PostFlag,
        Subscription,
        DiscussionSettings,
        get_user_model(),
    ]
    return {m.__name__: m.objects.count() for m in models}


def _assert_counters_consistent() -> None:
    """Every denormalised counter matches the rows it counts."""
    for topic in Topic.objects.all():
        posts = list(topic.posts.order_by("number"))
        visible = [p for p in posts if p.is_visible_to_all]
        assert [p.number for p in posts] == list(range(1, len(posts) + 1)), topic
        assert topic.post_count == len(visible), topic
        assert topic.last_post_number == len(posts), topic
        assert topic.last_activity_at == visible[-1].created_at, topic
        assert topic.last_poster_id == visible[-1].author_id, topic
        if topic.accepted_answer_id:
            assert topic.accepted_answer.topic_id == topic.pk
    for post in Post.objects.annotate(
        n_marks=Count("helpful_marks", distinct=True),
        n_flags=Count(
            "flags", filter=Q(flags__resolved_at__isnull=True), distinct=True
        ),
        n_revisions=Count("revisions", distinct=True),
    ):
        assert post.helpful_count == post.n_marks, post
        assert post.open_flag_count == post.n_flags, post
        assert post.edit_count == post.n_revisions, post
    for space in Space.objects.all():
        listed = space.topics.filter(
            review_state=ReviewState.APPROVED, hidden_at__isnull=True
        ).exclude(embargo_state=EmbargoState.EMBARGOED)
        assert space.topic_count == listed.count(), space
        assert (
            space.last_activity_at
            == listed.aggregate(last=Max("last_activity_at"))["last"]
        )


def test_seed_discussions_is_registered_after_the_other_apps():
    keys = [key for key, _ in seeders]
    assert keys[-1] == "discussions"
    assert keys.index("discussions") > keys.index("vendors")


# Seeding takes seconds, so each test below checks several facts of one seeded database.


def test_seed_demo_twice_adds_nothing_and_keeps_counters_consistent():
    first = _seed()
    counts = _row_counts()

    second = _seed()

    assert first["topics"] >= 8
    assert first["posts"] > first["topics"]
    assert not any(second.values()), second
    assert _row_counts() == counts
    _assert_counters_consistent()


def test_seed_demo_has_every_visibility_topic_type_and_reference_link():
    _seed()

    spaces = {s.slug: s for s in Space.objects.select_related("working_group")}
    assert spaces["licensing-questions"].visibility == Visibility.PUBLIC
    assert spaces["vendor-conversations"].visibility == Visibility.MEMBERS
    assert spaces["library-workers-lounge"].visibility == Visibility.LIBRARY_WORKERS
    group_space = spaces["vendor-privacy-working-group"]
    assert group_space.visibility == Visibility.WORKING_GROUP
    assert set(group_space.working_group.user_set.values_list("email", flat=True)) == {
        "moderator@example.org",
        "library@example.org",
    }
    question = Topic.objects.get(accepted_answer__isnull=False)
    assert question.kind == TopicKind.QUESTION
    assert question.criterion.code.startswith("VPD-")
    assert question.red_flag.code.startswith("RF-")
    released = Topic.objects.get(embargo_state=EmbargoState.RELEASED)
    response = released.posts.get(is_vendor_response=True)
    assert response.organisation == released.product.organisation
    assert response.roadmap_item.product.organisation == released.product.organisation
    assert released.released_at is not None
    embargoed = Topic.objects.get(embargo_state=EmbargoState.EMBARGOED)
    assert embargoed.embargo_vendor.slug == "larchmont-library-systems"
    assert embargoed.product.organisation == embargoed.embargo_vendor
    assert embargoed.embargo_ends_at > timezone.now()
    disclosure = Topic.objects.filter(kind=TopicKind.DISCLOSURE).first()
    assert disclosure.product is not None
    assert "VPD-" in disclosure.posts.get(number=1).body
    assert Topic.objects.filter(tags__isnull=False).exists()


def test_seed_demo_has_marks_mentions_flags_history_pending_and_safe_html():
    _seed()

    assert HelpfulMark.objects.exists()
    assert Mention.objects.filter(user__email="library@example.org").exists()
    flagged = Post.objects.get(open_flag_count__gt=0)
    assert flagged.flags.filter(resolved_at__isnull=True).count() == 1
    edited = Post.objects.get(edit_count=1)
    assert edited.revisions.get().body != edited.body
    assert Post.objects.filter(review_state=ReviewState.PENDING).count() == 1
    post = Post.objects.get(body__contains="never defines *aggregated*")
    assert "<em>aggregated</em>" in post.body_html
    emails = get_user_model().objects.values_list("email", flat=True)
    assert all(email.endswith("@example.org") for email in emails)


def test_seed_demo_histories_are_dated_after_their_posts_not_all_today():
    # given
    _seed()
    today = timezone.localdate()

    # then: the edit history, marks, mentions and flags follow their post's date
    edited = Post.objects.get(edit_count=1)
    revision = edited.revisions.get()
    assert revision.created_at == edited.edited_at
    assert revision.created_at.date() < today
    for model, link in ((HelpfulMark, "post"), (Mention, "post"), (PostFlag, "post")):
        rows = list(model.objects.select_related(link))
        assert rows, model
        for row in rows:
            assert row.created_at >= row.post.created_at, (model, row.pk)
        dates = {row.created_at.date() for row in rows}
        assert dates != {today}, model
    assert len(set(HelpfulMark.objects.values_list("created_at", flat=True))) > 3


@pytest.fixture
def small_large_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    """The large seeder's shape at a fraction of its volume (the full run is in tests/bench)."""
    monkeypatch.setattr(large_seeding, "LARGE_TOPIC_COUNT", 30)
    monkeypatch.setattr(large_seeding, "LARGE_POST_COUNT", 600)
    monkeypatch.setattr(large_seeding, "LARGE_DIGEST_SUBSCRIBERS", 40)


def test_seed_large_makes_what_is_asked_for_once(small_large_scale):
    _seed()
    before_topics, before_posts = Topic.objects.count(), Post.objects.count()

    _seed(SCALE_LARGE)
    counts = _row_counts()
    second = _seed(SCALE_LARGE)

    assert not any(second.values()), second
    assert _row_counts() == counts

    bench = Topic.objects.filter(slug__startswith=seeding.LARGE_TOPIC_PREFIX)
    assert bench.count() == 30 == Topic.objects.count() - before_topics
    assert Post.objects.filter(topic__in=bench).count() == 600
    assert Post.objects.count() - before_posts == 600
    long_topic = bench.get(slug="bench-topic-0001")
    assert long_topic.post_count == long_topic.posts.count() == 200
    assert long_topic.space.visibility == Visibility.PUBLIC
    assert bench.values("space").distinct().count() >= 4
    week_ago = timezone.now() - dt.timedelta(days=7, minutes=1)
    assert not Post.objects.filter(topic__in=bench, created_at__lt=week_ago).exists()
    assert (
        Post.objects.filter(topic__in=bench).values("created_at").distinct().count()
        > 500
    )
    subscribers = DiscussionSettings.objects.filter(
        user__email__startswith=seeding.DIGEST_EMAIL_PREFIX
    )
    assert subscribers.count() == 40
    assert {s.digest_frequency for s in subscribers} == {
        DigestFrequency.DAILY,
        DigestFrequency.WEEKLY,
    }
    assert len({s.digest_hour for s in subscribers}) > 12
    assert all(s.next_digest_at > timezone.now() for s in subscribers)
    assert (
        Subscription.objects.filter(user__in=[s.user_id for s in subscribers]).count()
        >= 40
    )
    _assert_counters_consistent()


def test_large_post_counts_meet_the_targets_exactly():
    import random

    counts = large_seeding._large_post_counts(random.Random(1))

    assert len(counts) == seeding.LARGE_TOPIC_COUNT >= 2_000
    assert sum(counts) == seeding.LARGE_POST_COUNT >= 50_000
    assert counts[0] == 200
    assert min(counts) >= 1

"""``seed_demo --scale large`` at full volume: the targets, once (``make bench`` only)."""

from __future__ import annotations

import io

import pytest

from cop.core.seeding import LARGE_SCALE_TARGETS, SCALE_LARGE
from cop.members.seeding import seed_members
from discussions.models import DiscussionSettings, Post, Subscription, Topic
from discussions.seeding import seed_discussions
from vendors.seeding import seed_vendors


@pytest.mark.bench
@pytest.mark.django_db
def test_seed_large_meets_the_large_scale_targets_and_is_idempotent():
    out = io.StringIO()
    seed_members(scale=SCALE_LARGE, stdout=out)
    seed_vendors(scale=SCALE_LARGE, stdout=out)

    seed_discussions(scale=SCALE_LARGE, stdout=out)
    again = seed_discussions(scale=SCALE_LARGE, stdout=out)

    assert Topic.objects.count() >= LARGE_SCALE_TARGETS["topics"]
    assert Post.objects.count() >= LARGE_SCALE_TARGETS["posts"]
    subscribers = DiscussionSettings.objects.exclude(digest_frequency="off")
    assert subscribers.count() >= LARGE_SCALE_TARGETS["digest_subscribers"]
    assert Subscription.objects.count() >= LARGE_SCALE_TARGETS["digest_subscribers"]
    long_topic = Topic.objects.get(slug="bench-topic-0001")
    assert long_topic.post_count == long_topic.posts.count() == 200
    assert not any(again.values()), again

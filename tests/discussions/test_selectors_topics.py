"""Topic and post selectors: visibility, order, similar titles, page-aware post URLs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from discussions.models import HelpfulMark
from discussions.selectors import composing as composing_selectors
from discussions.selectors import posts as post_selectors
from discussions.selectors import topics as topic_selectors
from tests.factories import PostFactory, TagFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(topics) -> set[str]:
    return {t.title for t in topics}


def test_topic_list_cannot_see_hidden_pending_embargoed_or_merged(
    public_space, people, vendor_a
):
    # given
    author = people["library_worker"]
    TopicFactory(space=public_space, title="Visible")
    TopicFactory(space=public_space, title="Hidden", hidden_at=timezone.now())
    TopicFactory(
        space=public_space, title="Pending", review_state="pending", author=author
    )
    TopicFactory(
        space=public_space,
        title="Embargoed",
        kind="red_flag",
        embargo_state="embargoed",
        embargo_vendor=vendor_a,
        embargo_ends_at=timezone.now() + dt.timedelta(days=3),
    )
    target = TopicFactory(space=public_space, title="Target")
    TopicFactory(space=public_space, title="Merged", merged_into=target)
    # when
    seen = {
        role: titles(
            topic_selectors.topic_list(viewer=people[role], space=public_space)
        )
        for role in ("anonymous", "library_worker", "vendor_rep_a", "moderator")
    }
    # then
    assert seen["anonymous"] == {"Visible", "Target"}
    assert seen["library_worker"] == {"Visible", "Target", "Pending"}
    assert seen["vendor_rep_a"] == {"Visible", "Target", "Embargoed"}
    assert seen["moderator"] == {"Visible", "Target", "Pending", "Embargoed", "Hidden"}


def test_topic_list_pinned_first_then_latest(public_space):
    now = timezone.now()
    TopicFactory(space=public_space, title="B", last_activity_at=now)
    TopicFactory(space=public_space, title="C", last_activity_at=now - dt.timedelta(1))
    TopicFactory(
        space=public_space,
        title="A",
        pinned_at=now,
        last_activity_at=now - dt.timedelta(9),
    )
    listed = topic_selectors.topic_list(viewer=None, space=public_space)
    assert [t.title for t in listed] == ["A", "B", "C"]


def test_topic_list_by_tag_spans_readable_spaces_only(spaces, people):
    tag = TagFactory(name="contracts")
    for key in ("public", "library_workers", "working_group"):
        TopicFactory(space=spaces[key], title=key).tags.add(tag)
    listed = topic_selectors.topic_list(viewer=people["library_worker"], tag=tag)
    assert titles(listed) == {"public", "library_workers"}


def test_space_list_for_vendor_rep_excludes_library_workers_space(spaces, people):
    names = {s.name for s in topic_selectors.space_list(viewer=people["vendor_rep_a"])}
    assert names == {"Open questions", "Members"}


def test_topic_similar_returns_only_visible_similar_titles(spaces, people):
    # given
    TopicFactory(space=spaces["public"], title="Loan history kept for ten years")
    TopicFactory(space=spaces["library_workers"], title="Loan history in contracts")
    TopicFactory(space=spaces["public"], title="Accessibility of the OPAC")
    # when
    for_rep = composing_selectors.topic_similar(
        viewer=people["vendor_rep_a"], title="How long is loan history kept?"
    )
    for_worker = composing_selectors.topic_similar(
        viewer=people["library_worker"], title="loan history"
    )
    # then
    assert titles(for_rep) == {"Loan history kept for ten years"}
    assert titles(for_worker) == {
        "Loan history kept for ten years",
        "Loan history in contracts",
    }
    assert composing_selectors.topic_similar(viewer=None, title="the and of") == []


def test_topic_kind_choices_hide_red_flag_from_vendor_reps(people):
    rep = dict(composing_selectors.topic_kind_choices(viewer=people["vendor_rep_a"]))
    worker = dict(
        composing_selectors.topic_kind_choices(viewer=people["library_worker"])
    )
    assert "red_flag" not in rep
    assert "red_flag" in worker


# ----------------------------------------------------------------- posts


def test_post_url_is_page_aware(public_space):
    topic = TopicFactory(space=public_space, with_posts=60)
    first = topic.posts.get(number=25)
    later = topic.posts.get(number=51)
    assert post_selectors.post_url(post=first) == f"{topic.get_absolute_url()}#post-25"
    assert (
        post_selectors.post_url(post=later)
        == f"{topic.get_absolute_url()}?page=3#post-51"
    )


def test_post_page_holds_numbers_of_its_range_and_hides_pending(public_space, people):
    # given
    topic = TopicFactory(space=public_space, with_posts=30)
    PostFactory(topic=topic, review_state="pending", author=people["library_worker"])
    # when
    page2 = post_selectors.post_page(viewer=None, topic=topic, page="2")
    page2_author = post_selectors.post_page(
        viewer=people["library_worker"], topic=topic, page="2"
    )
    invalid = post_selectors.post_page(viewer=None, topic=topic, page="abc")
    # then
    assert [p.number for p in page2] == list(range(26, 31))
    assert [p.number for p in page2_author] == list(range(26, 32))
    assert invalid.number == 1


def test_helpful_post_ids_of_viewer(public_space, library_worker):
    topic = TopicFactory(space=public_space, with_posts=3)
    marked = topic.posts.get(number=2)
    HelpfulMark.objects.create(post=marked, user=library_worker)
    ids = [p.pk for p in topic.posts.all()]
    assert post_selectors.helpful_post_ids(viewer=library_worker, post_ids=ids) == {
        marked.pk
    }
    assert post_selectors.helpful_post_ids(viewer=None, post_ids=ids) == set()

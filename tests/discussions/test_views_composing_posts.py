"""Replies, edits, helpful marks and accepted answers through the HTTP client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions.models import HelpfulMark, Post, PostRevision, Topic
from tests.discussions.composing_support import (  # the fixture is autouse
    _no_premoderation_no_cache,  # noqa: F401
    client_for,
)
from tests.factories import PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

# ----------------------------------------------------------------- replies


@pytest.fixture
def topic(public_space: Any) -> Topic:
    return TopicFactory(space=public_space, kind="question", with_posts=2)


def reply_url(topic: Topic) -> str:
    return reverse("discussions:post_reply", kwargs={"topic_id": topic.pk})


def test_reply_creates_post_and_redirects_to_its_anchor(topic, library_worker):
    response = client_for(library_worker).post(
        reply_url(topic), {"body": "Thanks, that helps."}
    )
    post = Post.objects.get(topic=topic, number=3)
    assert response.status_code == 302
    assert response["Location"] == f"{topic.get_absolute_url()}#post-3"
    assert post.author == library_worker


def test_reply_empty_body_shows_error(topic, library_worker):
    response = client_for(library_worker).post(reply_url(topic), {"body": "   "})
    assert response.status_code == 200
    assert 'id="id_body_errors"' in response.content.decode()
    assert Post.objects.filter(topic=topic).count() == 2


def test_reply_with_quote_prefills_the_quoted_post(topic, library_worker):
    # given
    quoted = topic.posts.get(number=2)
    # when
    response = client_for(library_worker).get(reply_url(topic), {"quote": quoted.pk})
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "&gt; " in html  # the Markdown quote block
    assert f'name="quote" value="{quoted.pk}"' in html


def test_reply_to_locked_topic_is_403(public_space, library_worker):
    locked = TopicFactory(space=public_space, locked_at=timezone.now(), with_posts=1)
    response = client_for(library_worker).get(reply_url(locked))
    assert response.status_code == 403


def test_reply_as_anonymous_redirects_to_sign_in(topic):
    assert Client().post(reply_url(topic), {"body": "hi"}).status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2


def test_reply_in_unreadable_space_is_404(spaces, vendor_rep_a):
    hidden = TopicFactory(space=spaces["library_workers"], with_posts=1)
    response = client_for(vendor_rep_a).get(reply_url(hidden))
    assert response.status_code == 404


# ----------------------------------------------------------------- edits


def edit_url(post: Post) -> str:
    return reverse("discussions:post_edit", kwargs={"post_id": post.pk})


@pytest.mark.parametrize(
    ("role", "status"),
    [("library_worker", 200), ("vendor_rep_a", 403), ("moderator", 200)],
)
def test_post_edit_form_per_role(public_space, people, role, status):
    post = PostFactory(
        topic=TopicFactory(space=public_space), author=people["library_worker"]
    )
    assert client_for(people[role]).get(edit_url(post)).status_code == status


def test_post_edit_saves_body_and_keeps_revision(public_space, library_worker):
    # given
    post = PostFactory(
        topic=TopicFactory(space=public_space), author=library_worker, body="Old text"
    )
    # when
    response = client_for(library_worker).post(
        edit_url(post), {"body": "New text", "note": "clarified"}
    )
    # then
    post.refresh_from_db()
    assert response.status_code == 302
    assert post.body == "New text"
    assert PostRevision.objects.get(post=post).body == "Old text"
    history = Client().get(
        reverse("discussions:post_history", kwargs={"post_id": post.pk})
    )
    assert "clarified" in history.content.decode()


def test_post_edit_empty_body_keeps_note(public_space, library_worker):
    post = PostFactory(topic=TopicFactory(space=public_space), author=library_worker)
    response = client_for(library_worker).post(
        edit_url(post), {"body": "", "note": "my note"}
    )
    assert response.status_code == 200
    assert 'value="my note"' in response.content.decode()


# ----------------------------------------------------------------- actions


def test_helpful_toggle_marks_and_unmarks(topic, library_worker):
    post = topic.posts.get(number=2)
    url = reverse("discussions:helpful_toggle", kwargs={"post_id": post.pk})
    client = client_for(library_worker)
    assert client.post(url).status_code == 302
    assert HelpfulMark.objects.filter(post=post, user=library_worker).exists()
    client.post(url)
    assert not HelpfulMark.objects.filter(post=post).exists()
    assert client.get(url).status_code == 405


def test_helpful_toggle_on_own_post_is_403(topic):
    post = topic.posts.get(number=2)
    url = reverse("discussions:helpful_toggle", kwargs={"post_id": post.pk})
    assert client_for(post.author).post(url).status_code == 403


def test_answer_accept_by_question_author_marks_answer(topic):
    # given
    answer = topic.posts.get(number=2)
    url = reverse("discussions:answer_accept", kwargs={"topic_id": topic.pk})
    client = client_for(topic.author)
    # when
    response = client.post(url, {"post": answer.pk})
    # then
    topic.refresh_from_db()
    assert response.status_code == 302
    assert topic.accepted_answer == answer
    client.post(url, {"unaccept": "on"})
    topic.refresh_from_db()
    assert topic.accepted_answer is None


def test_answer_accept_by_other_member_is_403(topic):
    answer = topic.posts.get(number=2)
    url = reverse("discussions:answer_accept", kwargs={"topic_id": topic.pk})
    response = client_for(UserFactory()).post(url, {"post": answer.pk})
    assert response.status_code == 403

"""Posting services, part 3: edit history, accepted answers and helpful marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from discussions import services
from discussions.models import HelpfulMark, Post, PostRevision, ReviewState
from tests.discussions.posting_fixtures import *  # noqa: F403
from tests.discussions.posting_fixtures import new_topic
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(library_worker: Any, public_space: Any) -> Any:
    return new_topic(library_worker, public_space, kind="question")


@pytest.fixture
def answer(vendor_rep_a: Any, question: Any) -> Post:
    return services.post_create(
        actor=vendor_rep_a, topic=question, body="Ten days, then deleted."
    )


# ----------------------------------------------------------------- edit history


def test_post_edit_keeps_history(
    library_worker: Any, moderator: Any, question: Any, hooks: dict[str, list[Any]]
) -> None:
    post = question.posts.get()
    services.post_edit(actor=library_worker, post=post, body="Second **version**.")
    services.post_edit(
        actor=moderator, post=post, body="Third version.", note="Removed a name"
    )
    post.refresh_from_db()
    assert post.body == "Third version."
    assert post.edit_count == 2
    assert post.edited_at is not None
    assert "<strong>" not in post.body_html
    revisions = list(post.revisions.values_list("number", "body", "edited_by", "note"))
    assert revisions == [
        (1, "How long do vendors keep loan history?", library_worker.pk, ""),
        (2, "Second **version**.", moderator.pk, "Removed a name"),
    ]
    assert hooks["changed"]


def test_post_edit_same_body_no_revision(library_worker: Any, question: Any) -> None:
    post = question.posts.get()
    services.post_edit(actor=library_worker, post=post, body=post.body)
    assert not PostRevision.objects.exists()


@pytest.mark.parametrize(
    "role", ["anonymous", "vendor_rep_a", "suspended", "library_worker_late"]
)
def test_post_edit_refused(
    role: str, people: dict[str, Any], suspended: Any, question: Any
) -> None:
    post = question.posts.get()
    actor = {**people, "suspended": suspended, "anonymous": AnonymousUser()}.get(role)
    if role == "library_worker_late":
        actor = people["library_worker"]
        Post.objects.filter(pk=post.pk).update(
            created_at=timezone.now() - dt.timedelta(days=31)
        )
        post.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.post_edit(actor=actor, post=post, body="Changed.")


def test_post_edit_bad_input_names_field(library_worker: Any, question: Any) -> None:
    post = question.posts.get()
    with pytest.raises(ValidationError) as info:
        services.post_edit(actor=library_worker, post=post, body="\x00")
    assert "body" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.post_edit(actor=library_worker, post=post, body="ok", note="n" * 301)
    assert "note" in info.value.message_dict


# ----------------------------------------------------------------- accepted answer


def test_answer_accept_by_asker_and_unaccept(
    library_worker: Any, question: Any, answer: Post, hooks: dict[str, list[Any]]
) -> None:
    services.answer_accept(actor=library_worker, topic=question, post=answer)
    question.refresh_from_db()
    assert question.accepted_answer == answer
    assert hooks["accepted"] == [(question.pk, answer.pk, library_worker.pk)]
    services.answer_accept(actor=library_worker, topic=question, post=answer)
    assert len(hooks["accepted"]) == 1  # no second notification
    services.answer_unaccept(actor=library_worker, topic=question)
    question.refresh_from_db()
    assert question.accepted_answer is None


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("vendor_rep_a", False),
        ("vendor_rep_b", False),
        ("moderator", True),
        ("suspended", False),
    ],
)
def test_answer_accept_per_role(
    role: str,
    allowed: bool,
    people: dict[str, Any],
    suspended: Any,
    question: Any,
    answer: Post,
) -> None:
    actor = {**people, "suspended": suspended, "anonymous": AnonymousUser()}[role]
    if allowed:
        services.answer_accept(actor=actor, topic=question, post=answer)
        assert question.accepted_answer == answer
    else:
        with pytest.raises(PermissionDenied):
            services.answer_accept(actor=actor, topic=question, post=answer)
        with pytest.raises(PermissionDenied):
            services.answer_unaccept(actor=actor, topic=question)


def test_answer_accept_invalid_posts_refused(
    settings: Any,
    library_worker: Any,
    public_space: Any,
    question: Any,
    answer: Post,
) -> None:
    other = new_topic(library_worker, public_space, kind="question", title="Other one")
    foreign = services.post_create(actor=library_worker, topic=other, body="Elsewhere")
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 2
    pending = services.post_create(actor=UserFactory(), topic=question, body="Wait")
    assert pending.review_state == ReviewState.PENDING
    for post in (question.posts.get(number=1), foreign, pending):
        with pytest.raises(ValidationError) as info:
            services.answer_accept(actor=library_worker, topic=question, post=post)
        assert "post" in info.value.message_dict


def test_answer_accept_only_on_questions(
    library_worker: Any, public_space: Any
) -> None:
    topic = new_topic(library_worker, public_space, kind="general")
    post = services.post_create(actor=library_worker, topic=topic, body="Reply")
    with pytest.raises(PermissionDenied):
        services.answer_accept(actor=library_worker, topic=topic, post=post)


# ----------------------------------------------------------------- helpful


def test_helpful_toggle_marks_and_unmarks(
    library_worker: Any, moderator: Any, answer: Post, hooks: dict[str, list[Any]]
) -> None:
    assert services.helpful_toggle(actor=library_worker, post=answer) is True
    assert services.helpful_toggle(actor=moderator, post=answer) is True
    answer.refresh_from_db()
    assert answer.helpful_count == 2
    assert services.helpful_toggle(actor=library_worker, post=answer) is False
    answer.refresh_from_db()
    assert answer.helpful_count == 1
    assert list(HelpfulMark.objects.values_list("user", flat=True)) == [moderator.pk]
    assert hooks["changed"]


@pytest.mark.parametrize("role", ["anonymous", "vendor_rep_a", "suspended"])
def test_helpful_toggle_refused(
    role: str, people: dict[str, Any], suspended: Any, answer: Post
) -> None:
    # vendor_rep_a wrote the answer: no marking one's own post.
    actor = {**people, "suspended": suspended, "anonymous": AnonymousUser()}[role]
    with pytest.raises(PermissionDenied):
        services.helpful_toggle(actor=actor, post=answer)
    assert not HelpfulMark.objects.exists()


def test_helpful_toggle_hidden_post_refused(library_worker: Any, answer: Post) -> None:
    Post.objects.filter(pk=answer.pk).update(hidden_at=timezone.now())
    answer.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.helpful_toggle(actor=library_worker, post=answer)

"""Moderation pages: flagging, the queue, actions, the public log, and what readers see."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions import services
from discussions.models import ModerationEvent, PostFlag, ReviewState
from tests.factories import PostFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(public_space: Any) -> Any:
    return TopicFactory(space=public_space, with_posts=2)


@pytest.fixture
def post(topic: Any, library_worker: Any) -> Any:
    return PostFactory(topic=topic, author=library_worker, body="Unique reply text.")


def _moderate_post(client: Any, post: Any, **data: Any) -> Any:
    return client.post(reverse("discussions:moderate_post", args=[post.pk]), data)


# ----------------------------------------------------------------- flagging


def test_post_flag_form_then_flag_confirms_and_names_no_one(
    client: Any, vendor_rep_a: Any, post: Any
) -> None:
    client.force_login(vendor_rep_a)
    url = reverse("discussions:post_flag", args=[post.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "spam"}, follow=True)
    assert "the moderators will review this post" in response.content.decode()
    assert PostFlag.objects.get().flagger == vendor_rep_a


def test_post_flag_twice_shows_a_message_not_an_error(
    client: Any, vendor_rep_a: Any, post: Any
) -> None:
    client.force_login(vendor_rep_a)
    url = reverse("discussions:post_flag", args=[post.pk])
    client.post(url, {"reason": "spam"})
    response = client.post(url, {"reason": "off_topic"}, follow=True)
    assert response.status_code == 200
    assert "already flagged this post" in response.content.decode()
    assert PostFlag.objects.count() == 1


def test_post_flag_other_without_text_is_a_form_error(
    client: Any, vendor_rep_a: Any, post: Any
) -> None:
    client.force_login(vendor_rep_a)
    response = client.post(
        reverse("discussions:post_flag", args=[post.pk]), {"reason": "other"}
    )
    assert response.status_code == 200
    assert "Please say what is wrong" in response.content.decode()
    assert not PostFlag.objects.exists()


def test_post_flag_own_post_is_forbidden(
    client: Any, library_worker: Any, post: Any
) -> None:
    client.force_login(library_worker)
    url = reverse("discussions:post_flag", args=[post.pk])
    assert client.post(url, {"reason": "spam"}).status_code == 403


def test_post_flag_anonymous_is_sent_to_sign_in(client: Any, post: Any) -> None:
    response = client.get(reverse("discussions:post_flag", args=[post.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# ----------------------------------------------------------------- actions


@pytest.mark.parametrize("role", ["library_worker", "vendor_rep_a"])
def test_moderate_post_by_member_is_forbidden(
    client: Any, people: Any, post: Any, role: str
) -> None:
    client.force_login(people[role])
    assert _moderate_post(client, post, action="hide").status_code == 403
    post.refresh_from_db()
    assert post.hidden_at is None


def test_moderate_post_invisible_post_is_not_found(
    client: Any, moderator: Any, vendor_rep_a: Any, post: Any
) -> None:
    services.post_hide(actor=moderator, post=post, reason="x")
    client.force_login(vendor_rep_a)
    assert _moderate_post(client, post, action="restore").status_code == 404


def test_moderate_topic_in_unreadable_space_is_not_found(
    client: Any, vendor_rep_a: Any, spaces: Any
) -> None:
    hidden_topic = TopicFactory(space=spaces["library_workers"], with_posts=1)
    client.force_login(vendor_rep_a)
    url = reverse("discussions:moderate_topic", args=[hidden_topic.pk])
    assert client.post(url, {"action": "lock"}).status_code == 404


def test_moderate_post_hide_redirects_to_next(
    client: Any, moderator: Any, post: Any
) -> None:
    client.force_login(moderator)
    response = _moderate_post(
        client, post, action="hide", reason="Off topic", next="/discussions/moderation/"
    )
    assert response.status_code == 302
    assert response["Location"] == "/discussions/moderation/"
    post.refresh_from_db()
    assert post.hidden_reason == "moderator"


def test_moderate_post_reject_without_reason_is_a_form_error(
    client: Any, moderator: Any, topic: Any
) -> None:
    pending = PostFactory(topic=topic, review_state=ReviewState.PENDING)
    client.force_login(moderator)
    response = _moderate_post(client, pending, action="reject", reason="")
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    pending.refresh_from_db()
    assert pending.review_state == ReviewState.PENDING


def test_moderate_post_hide_without_reason_is_a_form_error(
    client: Any, moderator: Any, post: Any
) -> None:
    # The public log shows the reason: a hidden post never reads "—" there.
    client.force_login(moderator)
    response = _moderate_post(client, post, action="hide", reason="  ")
    assert response.status_code == 200
    assert "Please give a reason." in response.content.decode()
    post.refresh_from_db()
    assert post.hidden_at is None
    with pytest.raises(ValidationError):
        services.post_hide(actor=moderator, post=post, reason="")


def test_post_flag_page_names_the_post_number(
    client: Any, vendor_rep_a: Any, post: Any
) -> None:
    client.force_login(vendor_rep_a)
    html = client.get(reverse("discussions:post_flag", args=[post.pk])).content.decode()
    assert f"Post #{post.number} in" in html


def test_moderate_post_edit_without_note_keeps_the_text(
    client: Any, moderator: Any, post: Any
) -> None:
    client.force_login(moderator)
    response = _moderate_post(
        client, post, action="edit", body="My carefully redacted text", note=""
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "My carefully redacted text" in html
    assert "Please say why you edit this post." in html


def test_moderate_topic_merge_redirects_source_to_target(
    client: Any, moderator: Any, library_worker: Any, public_space: Any, topic: Any
) -> None:
    target = TopicFactory(space=public_space, with_posts=1)
    client.force_login(moderator)
    response = client.post(
        reverse("discussions:moderate_topic", args=[topic.pk]),
        {
            "action": "merge",
            "target": f"/discussions/t/{target.pk}/x/",
            "reason": "Same",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == target.get_absolute_url()
    topic.refresh_from_db()
    assert topic.merged_into == target


def test_merged_topic_address_redirects_to_target(
    client: Any, moderator: Any, library_worker: Any, public_space: Any, topic: Any
) -> None:
    target = TopicFactory(space=public_space, with_posts=1)
    services.topic_merge(actor=moderator, source=topic, target=target)
    client.force_login(library_worker)
    response = client.get(reverse("discussions:topic", args=[topic.pk, topic.slug]))
    assert response.status_code in {301, 302}
    assert response["Location"].startswith(target.get_absolute_url())


def test_moderate_topic_move_duplicate_and_slow_mode(
    client: Any, moderator: Any, spaces: Any, topic: Any
) -> None:
    original = TopicFactory(space=spaces["members"], with_posts=1)
    client.force_login(moderator)
    url = reverse("discussions:moderate_topic", args=[topic.pk])
    client.post(url, {"action": "move", "space": spaces["members"].pk})
    client.post(url, {"action": "slow_mode", "seconds": "300"})
    client.post(url, {"action": "duplicate", "target": str(original.pk)})
    topic.refresh_from_db()
    assert topic.space == spaces["members"]
    assert topic.slow_mode_seconds == 300
    assert topic.duplicate_of == original
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Closed as a duplicate of" in page
    assert "Slow mode: one post per member every 5 minutes." in page


def test_moderate_topic_merge_unknown_target_is_a_form_error(
    client: Any, moderator: Any, topic: Any
) -> None:
    client.force_login(moderator)
    response = client.post(
        reverse("discussions:moderate_topic", args=[topic.pk]),
        {"action": "merge", "target": "999999", "reason": "Keep me"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no such topic." in html
    assert "Keep me" in html


# ----------------------------------------------------------------- what readers see


def test_hidden_post_body_leaves_topic_page_except_for_moderators(
    client: Any, moderator: Any, vendor_rep_a: Any, topic: Any, post: Any
) -> None:
    services.post_hide(actor=moderator, post=post, reason="Attack")
    client.force_login(vendor_rep_a)
    assert (
        "Unique reply text."
        not in client.get(topic.get_absolute_url()).content.decode()
    )
    client.force_login(moderator)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Unique reply text." in html
    assert "Hidden by a moderator." in html


def test_pending_post_is_seen_by_its_author_and_moderators_only(
    client: Any, people: Any, library_worker: Any, topic: Any
) -> None:
    PostFactory(
        topic=topic,
        author=library_worker,
        body="Waiting text here.",
        review_state=ReviewState.PENDING,
    )
    seen = {}
    for role in ("anonymous", "library_worker", "vendor_rep_a", "moderator"):
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        seen[role] = (
            "Waiting text here."
            in client.get(topic.get_absolute_url()).content.decode()
        )
    assert seen == {
        "anonymous": False,
        "library_worker": True,
        "vendor_rep_a": False,
        "moderator": True,
    }


# ----------------------------------------------------------------- the queue


def _fill_queue(space: Any, n: int) -> None:
    for i in range(n):
        topic = TopicFactory(space=space, with_posts=1)
        if i % 3 == 0:
            topic.review_state = ReviewState.PENDING
            topic.save(update_fields=["review_state"])
            topic.posts.update(review_state=ReviewState.PENDING)
        elif i % 3 == 1:
            PostFactory(topic=topic, review_state=ReviewState.PENDING)
        else:
            flagged = PostFactory(topic=topic)
            services.post_flag(actor=UserFactory(), post=flagged, reason="spam")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("library_worker", 403),
        ("vendor_rep_a", 403),
        ("moderator", 200),
        ("admin", 200),
    ],
)
def test_moderation_queue_per_role(
    client: Any, people: Any, role: str, status: int
) -> None:
    client.force_login(people[role])
    assert client.get(reverse("discussions:moderation_queue")).status_code == status


def test_moderation_queue_shows_context(
    client: Any, moderator: Any, topic: Any, post: Any
) -> None:
    services.post_flag(actor=UserFactory(), post=post, reason="personal_data")
    client.force_login(moderator)
    html = client.get(reverse("discussions:moderation_queue")).content.decode()
    assert topic.title in html
    assert "Reveals someone&#x27;s personal data: 1" in html
    assert "Unique reply text." in html
    assert "The preceding post (#2)" in html


def test_moderation_queue_query_count_is_constant(
    client: Any, moderator: Any, public_space: Any
) -> None:
    client.force_login(moderator)
    url = reverse("discussions:moderation_queue")
    _fill_queue(public_space, 3)
    client.get(url)  # warm the per-request role look-ups' code paths
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill_queue(public_space, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["items"]) == 25
    assert len(many) == len(few)


# ----------------------------------------------------------------- the public log


def test_moderation_log_shows_no_names(
    client: Any, moderator: Any, library_worker: Any, post: Any
) -> None:
    services.post_hide(actor=moderator, post=post, reason="Personal attack on a member")
    services.member_suspend_from_post(
        actor=moderator, post=post, reason="Repeated abuse"
    )
    html = client.get(reverse("discussions:moderation_log")).content.decode()
    assert "Personal attack on a member" in html
    assert "Member suspended" in html
    assert "Repeated abuse" not in html
    for person in (moderator, library_worker, post.topic.author):
        assert person.display_name not in html
        assert person.email not in html


def test_moderation_log_hides_events_of_unreadable_spaces(
    client: Any, moderator: Any, vendor_rep_a: Any, library_worker: Any, spaces: Any
) -> None:
    topic = TopicFactory(space=spaces["library_workers"], with_posts=1)
    services.topic_lock(actor=moderator, topic=topic, reason="Secret lock reason")
    url = reverse("discussions:moderation_log")
    assert "Secret lock reason" not in client.get(url).content.decode()
    client.force_login(vendor_rep_a)
    assert "Secret lock reason" not in client.get(url).content.decode()
    client.force_login(library_worker)
    assert "Secret lock reason" in client.get(url).content.decode()
    client.force_login(moderator)
    assert "Secret lock reason" in client.get(url).content.decode()


def test_moderation_log_query_count_is_constant(
    client: Any, moderator: Any, spaces: Any
) -> None:
    url = reverse("discussions:moderation_log")

    def add(n: int) -> None:
        for i in range(n):
            space = spaces["public"] if i % 2 else spaces["members"]
            services.moderation_event_record(
                actor=moderator, action="lock", space=space
            )

    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert len(response.context["events"]) == 16  # the public half of 33
    assert ModerationEvent.objects.count() == 33

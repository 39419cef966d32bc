"""The notification hooks and the e-mail outbox (discussions.services.notifications)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError

from discussions import services
from discussions.mail import PermanentMailError
from discussions.models import (
    DiscussionSettings,
    EmailState,
    Mention,
    Notification,
    NotificationKind,
    Subscription,
)
from tests.factories import (
    PostFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def watch(user: Any, **target: Any) -> None:
    Subscription.objects.create(user=user, level="watching", **target)


def mute(user: Any, **target: Any) -> None:
    Subscription.objects.create(user=user, level="muted", **target)


def wants_email(user: Any) -> Any:
    VerifiedEmailAddressFactory(user=user)
    DiscussionSettings.objects.create(user=user, email_notifications=True)
    return user


def committed() -> Any:
    """Run what waits for the commit (the fan-out task, eager here, and its e-mails)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def publish(**kwargs: Any) -> Any:
    """Create a post and run the hook inside one transaction, as the posting core does.

    The hook records an event; the commit runs the fan-out that writes the rows.
    """
    with committed(), transaction.atomic():
        post = PostFactory(**kwargs)
        services.notify_post_published(post=post)
    return post


def kinds_for(user: Any) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# ----------------------------------------------------------------- who is told


def test_notify_post_published_new_topic_tells_space_watchers_not_the_author(
    spaces, library_worker
):
    # given
    watcher = UserFactory()
    watch(watcher, space=spaces["public"])
    topic = TopicFactory(space=spaces["public"], author=library_worker)
    # when
    publish(topic=topic, author=library_worker)
    # then
    notification = Notification.objects.get(user=watcher)
    assert notification.kind == NotificationKind.REPLY
    assert notification.data == {"event": "new_topic"}
    assert kinds_for(library_worker) == []


def test_notify_post_published_makes_author_watch_the_topic(spaces, library_worker):
    topic = TopicFactory(space=spaces["public"], author=library_worker)
    publish(topic=topic, author=library_worker)
    replier = UserFactory()
    publish(topic=topic, author=replier)
    assert Subscription.objects.get(user=replier, topic=topic).level == "watching"
    # a later reply by someone else reaches the earlier replier (watching by default)
    publish(topic=topic, author=UserFactory())
    assert kinds_for(replier) == [NotificationKind.REPLY]


def test_notify_post_published_keeps_an_explicit_topic_level(spaces, library_worker):
    topic = TopicFactory(space=spaces["public"])
    Subscription.objects.create(user=library_worker, topic=topic, level="normal")
    publish(topic=topic, author=library_worker)
    assert Subscription.objects.get(user=library_worker, topic=topic).level == "normal"


def test_notify_post_published_reply_tells_topic_author(spaces, library_worker):
    topic = TopicFactory(space=spaces["public"], author=library_worker)
    PostFactory(topic=topic, author=library_worker)
    publish(topic=topic, author=UserFactory())
    assert kinds_for(library_worker) == [NotificationKind.REPLY]


def test_notify_post_published_mention_wins_over_reply(spaces, library_worker):
    topic = TopicFactory(space=spaces["public"], author=library_worker)
    PostFactory(topic=topic, author=library_worker)
    with committed(), transaction.atomic():
        post = PostFactory(topic=topic, author=UserFactory())
        Mention.objects.create(post=post, user=library_worker)
        services.notify_post_published(post=post)
    assert kinds_for(library_worker) == [NotificationKind.MENTION]


def test_notify_post_published_muted_member_gets_nothing_even_if_mentioned(
    spaces, library_worker
):
    topic = TopicFactory(space=spaces["public"], author=library_worker)
    mute(library_worker, space=spaces["public"])
    with committed(), transaction.atomic():
        post = PostFactory(topic=topic, author=UserFactory())
        Mention.objects.create(post=post, user=library_worker)
        services.notify_post_published(post=post)
    assert kinds_for(library_worker) == []


def test_notify_post_published_tag_and_product_watchers_are_told(
    spaces, product_a, vendor_a
):
    tag = TagFactory()
    topic = TopicFactory(space=spaces["public"], product=product_a)
    topic.tags.add(tag)
    by_tag, by_product, by_vendor = UserFactory(), UserFactory(), UserFactory()
    watch(by_tag, tag=tag)
    watch(by_product, product=product_a)
    watch(by_vendor, organisation=vendor_a)
    publish(topic=topic, author=UserFactory())
    for user in (by_tag, by_product, by_vendor):
        assert kinds_for(user) == [NotificationKind.REPLY]


@pytest.mark.parametrize(
    ("role", "told"),
    [
        ("library_worker", True),
        ("vendor_rep_a", False),  # a library-workers-only space: no vendor reads it
        ("moderator", True),
        ("admin", True),
    ],
)
def test_notify_post_published_library_space_per_role(people, spaces, role, told):
    watcher = people[role]
    watch(watcher, space=spaces["library_workers"])
    topic = TopicFactory(space=spaces["library_workers"])
    publish(topic=topic, author=UserFactory())
    assert bool(kinds_for(watcher)) is told


def test_notify_post_published_working_group_space_skips_non_members(
    spaces, working_group, library_worker
):
    insider = UserFactory()
    insider.groups.add(working_group)
    watch(insider, space=spaces["working_group"])
    watch(library_worker, space=spaces["working_group"])  # an old row, no access now
    topic = TopicFactory(space=spaces["working_group"])
    publish(topic=topic, author=UserFactory())
    assert kinds_for(insider) == [NotificationKind.REPLY]
    assert kinds_for(library_worker) == []


@pytest.mark.parametrize(
    ("role", "told"),
    [
        ("library_worker", False),
        ("vendor_rep_a", True),  # the embargoed vendor
        ("vendor_rep_b", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_notify_post_published_embargoed_red_flag_reaches_only_vendor_and_moderators(
    people, spaces, product_a, role, told
):
    watcher = people[role]
    watch(watcher, space=spaces["public"])
    topic = TopicFactory(
        space=spaces["public"],
        kind="red_flag",
        product=product_a,
        embargo_state="embargoed",
        embargo_vendor=product_a.organisation,
        embargo_ends_at=timezone.now() + dt.timedelta(days=14),
    )
    publish(topic=topic, author=UserFactory())
    assert bool(kinds_for(watcher)) is told


def test_notify_post_published_new_embargoed_red_flag_tells_that_vendors_reps(
    people, spaces, product_a
):
    # given: nobody follows anything; a library worker raises a red flag about vendor A
    topic = TopicFactory(
        space=spaces["public"],
        kind="red_flag",
        product=product_a,
        author=people["library_worker"],
        embargo_state="embargoed",
        embargo_vendor=product_a.organisation,
        embargo_ends_at=timezone.now() + dt.timedelta(days=14),
    )
    # when: its opening post is published
    publish(topic=topic, author=people["library_worker"])
    # then: only vendor A's representative is asked to respond
    assert kinds_for(people["vendor_rep_a"]) == [NotificationKind.RED_FLAG_RAISED]
    for role in ("vendor_rep_b", "library_worker", "moderator"):
        assert kinds_for(people[role]) == []


def test_notify_post_published_vendor_response_tells_red_flag_author(
    spaces, product_a, vendor_rep_a, library_worker
):
    topic = TopicFactory(
        space=spaces["public"],
        kind="red_flag",
        product=product_a,
        author=library_worker,
        embargo_state="embargoed",
        embargo_vendor=product_a.organisation,
        embargo_ends_at=timezone.now() + dt.timedelta(days=14),
    )
    PostFactory(topic=topic, author=library_worker)
    publish(topic=topic, author=vendor_rep_a, is_vendor_response=True)
    assert kinds_for(library_worker) == [NotificationKind.VENDOR_RESPONSE]


def test_notify_post_published_twice_writes_one_notification(spaces):
    watcher = UserFactory()
    watch(watcher, space=spaces["public"])
    post = publish(topic=TopicFactory(space=spaces["public"]), author=UserFactory())
    with committed():
        services.notify_post_published(post=post)
    assert Notification.objects.filter(user=watcher).count() == 1


def test_notify_answer_accepted_tells_answer_author_not_self(spaces, library_worker):
    topic = TopicFactory(space=spaces["public"], kind="question", author=library_worker)
    answerer = UserFactory()
    answer = PostFactory(topic=topic, author=answerer)
    services.notify_answer_accepted(topic=topic, post=answer, actor=library_worker)
    own = PostFactory(topic=topic, author=library_worker)
    services.notify_answer_accepted(topic=topic, post=own, actor=library_worker)
    assert kinds_for(answerer) == [NotificationKind.ANSWER_ACCEPTED]
    assert kinds_for(library_worker) == []


def test_notify_post_reviewed_tells_author(spaces, library_worker):
    post = PostFactory(
        topic=TopicFactory(space=spaces["public"]), author=library_worker
    )
    services.notify_post_reviewed(post=post, approved=False, reason="off topic")
    assert kinds_for(library_worker) == [NotificationKind.POST_REJECTED]


def test_notify_red_flag_released_tells_author_and_watchers_once(
    spaces, product_a, library_worker
):
    watcher = UserFactory()
    watch(watcher, product=product_a)
    topic = TopicFactory(
        space=spaces["public"],
        kind="red_flag",
        product=product_a,
        author=library_worker,
    )
    PostFactory(topic=topic, author=library_worker)
    with committed():
        services.notify_red_flag_released(topic=topic)
    with committed():
        services.notify_red_flag_released(topic=topic)
    assert kinds_for(watcher) == [NotificationKind.RED_FLAG_PUBLISHED]
    assert kinds_for(library_worker) == [NotificationKind.RED_FLAG_PUBLISHED]


def test_disclosure_version_created_tells_product_and_vendor_watchers(
    product_a, vendor_a
):
    from vendors.models import Disclosure, DisclosureVersion

    by_product, by_vendor, muted = UserFactory(), UserFactory(), UserFactory()
    watch(by_product, product=product_a)
    watch(by_vendor, organisation=vendor_a)
    watch(muted, organisation=vendor_a)
    mute(muted, product=product_a)
    disclosure = Disclosure.objects.create(product=product_a)
    # when: the post_save receiver reacts to a new version
    DisclosureVersion.objects.create(
        disclosure=disclosure, product=product_a, number=1, published_at=timezone.now()
    )
    # then
    assert kinds_for(by_product) == [NotificationKind.DISCLOSURE_CHANGED]
    assert kinds_for(by_vendor) == [NotificationKind.DISCLOSURE_CHANGED]
    assert kinds_for(muted) == []
    assert Notification.objects.get(user=by_product).data == {"version": 1}


def test_roadmap_status_change_tells_product_watchers_not_the_actor(
    product_a, vendor_rep_a
):
    from vendors.models import RoadmapItem, RoadmapStatusChange

    watcher = UserFactory()
    watch(watcher, product=product_a)
    watch(vendor_rep_a, product=product_a)
    item = RoadmapItem.objects.create(product=product_a, title="Shorter retention")
    RoadmapStatusChange.objects.create(
        item=item, from_status="planned", to_status="shipped", changed_by=vendor_rep_a
    )
    notification = Notification.objects.get(user=watcher)
    assert notification.kind == NotificationKind.ROADMAP_CHANGED
    assert notification.data["to"] == "shipped"
    assert kinds_for(vendor_rep_a) == []


# ----------------------------------------------------------------- the e-mail outbox


def test_notification_email_is_enqueued_after_commit_and_sent_once(
    spaces, django_capture_on_commit_callbacks
):
    # given
    watcher = wants_email(UserFactory(display_name="Quiet Reader"))
    silent = UserFactory()
    watch(watcher, space=spaces["public"])
    watch(silent, space=spaces["public"])
    author = UserFactory(display_name="Kind Author")
    topic = TopicFactory(space=spaces["public"], title="Retention of loan history")
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        publish(topic=topic, author=author)
    # then: the fan-out ran after the commit, then the e-mail after the fan-out's
    assert len(callbacks) == 2
    assert Notification.objects.get(user=silent).email_state == EmailState.NONE
    row = Notification.objects.get(user=watcher)
    assert row.email_state == EmailState.SENT
    assert row.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [watcher.email]
    assert "Kind Author" in message.subject
    assert "Retention of loan history" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    assert author.email not in message.body + html
    assert "<img" not in html
    # sending again is a no-op (the row is no longer pending)
    assert services.notification_email_send(notification_id=row.pk) == "not claimed"
    assert len(mail.outbox) == 1


def test_notification_email_enqueue_failure_keeps_post_and_pending_row(
    spaces, django_capture_on_commit_callbacks
):
    watcher = wants_email(UserFactory())
    watch(watcher, space=spaces["public"])
    with (
        mock.patch(
            "discussions.tasks.notifications.send_notification_email_task.delay",
            side_effect=OperationalError("broker down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post = publish(topic=TopicFactory(space=spaces["public"]), author=UserFactory())
    assert type(post).objects.filter(pk=post.pk).exists()
    assert Notification.objects.get(user=watcher).email_state == EmailState.PENDING
    assert mail.outbox == []
    # the sweeper sends it later, once
    sent = services.notification_outbox_sweep(
        now=timezone.now() + dt.timedelta(minutes=2)
    )
    assert sent == 1
    assert len(mail.outbox) == 1
    assert services.notification_outbox_sweep() == 0


def _pending_row(spaces: Any) -> Notification:
    watcher = wants_email(UserFactory())
    topic = TopicFactory(space=spaces["public"])
    post = PostFactory(topic=topic)
    return Notification.objects.create(
        user=watcher,
        kind=NotificationKind.REPLY,
        topic=topic,
        post=post,
        email_state=EmailState.PENDING,
    )


def test_notification_email_send_permanent_error_marks_failed(spaces):
    row = _pending_row(spaces)
    with mock.patch(
        "discussions.mail.member_email_send",
        side_effect=PermanentMailError("550 no such user"),
    ):
        assert services.notification_email_send(notification_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.email_state == EmailState.FAILED
    assert "550" in row.email_error


def test_notification_email_send_rechecks_visibility(spaces):
    row = _pending_row(spaces)
    type(row.topic).objects.filter(pk=row.topic_id).update(hidden_at=timezone.now())
    assert services.notification_email_send(notification_id=row.pk) == "skipped"
    row.refresh_from_db()
    assert row.email_state == EmailState.NONE
    assert mail.outbox == []


def test_notification_email_send_rechecks_the_members_choice(spaces):
    row = _pending_row(spaces)
    DiscussionSettings.objects.filter(user=row.user).update(email_notifications=False)
    assert services.notification_email_send(notification_id=row.pk) == "skipped"
    assert mail.outbox == []


def test_notification_outbox_sweep_frees_rows_stuck_in_sending(spaces):
    row = _pending_row(spaces)
    Notification.objects.filter(pk=row.pk).update(
        email_state=EmailState.SENDING,
        emailed_at=timezone.now() - dt.timedelta(minutes=20),
    )
    assert services.notification_outbox_sweep(min_age=dt.timedelta(0)) == 1
    row.refresh_from_db()
    assert row.email_state == EmailState.SENT
    assert len(mail.outbox) == 1


def test_notification_outbox_sweep_leaves_fresh_sending_rows_alone(spaces):
    row = _pending_row(spaces)
    Notification.objects.filter(pk=row.pk).update(
        email_state=EmailState.SENDING, emailed_at=timezone.now()
    )
    assert services.notification_outbox_sweep(min_age=dt.timedelta(0)) == 0
    assert mail.outbox == []

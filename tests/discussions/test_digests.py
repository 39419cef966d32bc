"""Digests: due selection, content (visibility, mutes, caps), idempotent sending, bounces."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail as outbox
from django.core.mail.backends import locmem
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussions import mail
from discussions.models import DigestDelivery, DiscussionSettings
from discussions.services import digests
from discussions.tasks.digests import schedule_due_digests_task, send_digest_task
from tests.discussions.digest_helpers import (
    IN_PERIOD,
    PERIOD_START,
    SLOT,
    digest_member,
    follow,
)
from tests.factories import (
    PostFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    VerifiedEmailAddressFactory,
)


def _topic(space, **kwargs):
    kwargs.setdefault("created_at", IN_PERIOD)
    topic = TopicFactory(
        space=space, **{k: v for k, v in kwargs.items() if k != "created_at"}
    )
    type(topic).objects.filter(pk=topic.pk).update(created_at=kwargs["created_at"])
    return topic


def _send(user):
    with time_machine.travel(SLOT + timedelta(minutes=5), tick=False):
        return send_digest_task.delay(
            user.pk, PERIOD_START.isoformat(), SLOT.isoformat()
        ).get()


@pytest.fixture
def member(db):
    return digest_member()


@pytest.fixture
def watched_space(member, public_space):
    follow(member, space=public_space)
    return public_space


# ----------------------------------------------------------------- schedule


def test_digest_next_at_weekly_uses_member_time_zone_hour_and_weekday(db):
    prefs = DiscussionSettings(
        digest_frequency="weekly",
        digest_hour=7,
        digest_weekday=2,
        time_zone="Europe/Berlin",
    )
    after = datetime(2026, 11, 22, 12, tzinfo=UTC)  # a Sunday
    # Wednesday 25 Nov, 07:00 in Berlin (UTC+1) is 06:00 UTC.
    assert digests.digest_next_at(prefs=prefs, after=after) == datetime(
        2026, 11, 25, 6, tzinfo=UTC
    )


def test_digest_next_at_daily_in_new_york_crosses_the_day(db):
    prefs = DiscussionSettings(
        digest_frequency="daily", digest_hour=18, time_zone="America/New_York"
    )
    after = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)  # 18:30 in New York
    assert digests.digest_next_at(prefs=prefs, after=after) == datetime(
        2026, 11, 23, 23, tzinfo=UTC
    )


def test_digest_next_at_off_is_none(db):
    assert (
        digests.digest_next_at(
            prefs=DiscussionSettings(digest_frequency="off"), after=SLOT
        )
        is None
    )


def test_digest_due_batch_selects_only_due_eligible_members(db):
    # given
    due = digest_member()
    later = digest_member()
    DiscussionSettings.objects.filter(user=later).update(
        next_digest_at=SLOT + timedelta(hours=1)
    )
    off = digest_member(digest_frequency="off")
    bouncing = digest_member(bouncing_since=SLOT)
    inactive = digest_member()
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    unverified = UserFactory()
    DiscussionSettings.objects.create(user=unverified, next_digest_at=SLOT)
    # when
    batch = digests.digest_due_batch(now=SLOT + timedelta(minutes=7))
    # then
    assert batch == [(due.pk, PERIOD_START, SLOT)]
    assert {off.pk, bouncing.pk, unverified.pk}.isdisjoint({row[0] for row in batch})


def test_digest_due_batch_daily_member_in_tokyo_due_at_local_hour(db):
    member = digest_member(
        digest_frequency="daily", digest_hour=9, time_zone="Asia/Tokyo"
    )
    slot = datetime(2026, 11, 23, 0, tzinfo=UTC)  # 09:00 in Tokyo
    DiscussionSettings.objects.filter(user=member).update(next_digest_at=slot)
    assert digests.digest_due_batch(now=slot - timedelta(minutes=1)) == []
    assert digests.digest_due_batch(now=slot + timedelta(minutes=14)) == [
        (member.pk, slot - timedelta(days=1), slot)
    ]


def test_digest_settings_backfill_gives_verified_members_weekly_defaults(db):
    # given
    verified = UserFactory()
    VerifiedEmailAddressFactory(user=verified)
    unverified = UserFactory()
    # when
    created = digests.digest_settings_backfill(
        now=datetime(2026, 11, 22, 12, tzinfo=UTC)
    )
    # then
    assert created == 1
    prefs = DiscussionSettings.objects.get(user=verified)
    assert prefs.digest_frequency == "weekly"
    assert prefs.next_digest_at == SLOT
    assert not DiscussionSettings.objects.filter(user=unverified).exists()
    assert digests.digest_settings_backfill() == 0


def test_schedule_due_digests_task_fans_out_in_chunks_once_each(
    db, public_space, monkeypatch
):
    # given: 5 due members watching a space with news, chunks of 2
    monkeypatch.setattr("discussions.tasks.digests.BATCH_SIZE", 2)
    members = [digest_member() for _ in range(5)]
    for user in members:
        follow(user, space=public_space)
    _topic(public_space)
    # when: beat runs twice in the same quarter hour
    with time_machine.travel(SLOT + timedelta(minutes=3), tick=False):
        schedule_due_digests_task.delay()
        schedule_due_digests_task.delay()
    # then
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(u.email for u in members)
    assert DigestDelivery.objects.filter(state="sent").count() == 5
    assert not digests.digest_due_batch(now=SLOT + timedelta(minutes=4))


# ----------------------------------------------------------------- sending


def test_send_digest_task_run_twice_sends_once(member, watched_space):
    _topic(watched_space, title="Patron data in discovery logs")
    # when
    first = _send(member)
    second = _send(member)
    # then
    assert (first, second) == ("sent", "skipped")
    assert len(outbox.outbox) == 1
    assert "Patron data in discovery logs" in outbox.outbox[0].body
    delivery = DigestDelivery.objects.get(user=member)
    assert delivery.state == "sent"
    assert delivery.item_count == 1
    prefs = DiscussionSettings.objects.get(user=member)
    assert prefs.next_digest_at == SLOT + timedelta(days=7)
    assert prefs.last_digest_at == SLOT


def test_digest_headers_unsubscribe_and_deterministic_message_id(
    member, watched_space, settings
):
    settings.SITE_URL = "https://cop.example.org"
    _topic(watched_space)
    _send(member)
    message = outbox.outbox[0].message()
    assert message["Message-ID"] == f"<digest.{member.pk}.202611160800@cop.example.org>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = message["List-Unsubscribe"].split("/unsubscribe/")[1].rstrip("/>")
    assert mail.unsubscribe_token_check(token) == (member.pk, "digest")
    html = outbox.outbox[0].alternatives[0][0]
    assert '<html lang="' in html
    assert "<h2>" in html
    assert "<table" not in html
    assert "<img" not in html


def test_digest_has_no_other_members_addresses_or_names(member, watched_space):
    author = UserFactory(
        display_name="Pseudo Nym", first_name="Real", last_name="Person"
    )
    _topic(watched_space, author=author)
    _send(member)
    body = outbox.outbox[0].body + outbox.outbox[0].alternatives[0][0]
    assert "Pseudo Nym" in body
    assert author.email not in body
    assert "Real" not in body


def test_digest_with_nothing_new_sends_nothing_and_records_empty(member, watched_space):
    _topic(watched_space, created_at=PERIOD_START - timedelta(hours=1))
    assert _send(member) == "empty"
    assert outbox.outbox == []
    assert DigestDelivery.objects.get(user=member).state == "empty"
    assert DiscussionSettings.objects.get(
        user=member
    ).next_digest_at == SLOT + timedelta(days=7)


def test_digest_leaves_out_muted_topics_and_tags(member, watched_space):
    muted_topic = _topic(watched_space, title="Muted topic")
    tagged = _topic(watched_space, title="Tagged with a muted tag")
    tag = TagFactory(name="noise")
    tagged.tags.add(tag)
    _topic(watched_space, title="Still wanted")
    follow(member, level="muted", topic=muted_topic)
    follow(member, level="muted", tag=tag)
    _send(member)
    body = outbox.outbox[0].body
    assert "Still wanted" in body
    assert "Muted topic" not in body
    assert "Tagged with a muted tag" not in body


def test_digest_leaves_out_muted_space_even_when_tag_watched(member, spaces):
    space = spaces["public"]
    tag = TagFactory(name="licensing")
    follow(member, tag=tag)
    follow(member, level="muted", space=space)
    _topic(space).tags.add(tag)
    assert _send(member) == "empty"


def test_digest_includes_watched_tag_topics(member, spaces):
    tag = TagFactory(name="contracts")
    follow(member, tag=tag)
    _topic(spaces["members"], title="Contract clause").tags.add(tag)
    _send(member)
    assert "Contract clause" in outbox.outbox[0].body


def test_digest_visibility_is_decided_at_send_time(member, spaces):
    # given: a topic posted in a watched public space, moved to a working group's space
    follow(member, space=spaces["public"])
    topic = _topic(spaces["public"], title="Moved away")
    type(topic).objects.filter(pk=topic.pk).update(space=spaces["working_group"])
    # when / then
    assert _send(member) == "empty"
    assert outbox.outbox == []


def test_digest_caps_a_section_and_links_to_the_rest(member, watched_space):
    for number in range(25):
        _topic(watched_space, title=f"Busy week topic {number}")
    _send(member)
    body = outbox.outbox[0].body
    assert body.count("Busy week topic") == digests.DIGEST_SECTION_LIMIT
    assert "and 5 more" in body
    assert DigestDelivery.objects.get(user=member).item_count == 20


def test_digest_build_caps_the_whole_digest(member, spaces):
    for space in (spaces["public"], spaces["members"]):
        follow(member, space=space)
    for number in range(25):
        _topic(spaces["public"], title=f"A{number}")
    result = digests.digest_build(
        user=member, period_start=PERIOD_START, period_end=SLOT, total_limit=12
    )
    assert result.item_count == 12
    assert result.sections[0].more_count == 13


def test_digest_accepted_answer_in_followed_topic(member, public_space):
    topic = _topic(public_space, kind="question", title="Which LMS logs searches?")
    answer = PostFactory(topic=topic, author=UserFactory(display_name="Helpful Helper"))
    type(topic).objects.filter(pk=topic.pk).update(
        accepted_answer=answer, updated_at=IN_PERIOD
    )
    follow(member, level="normal", topic=topic)
    _send(member)
    body = outbox.outbox[0].body
    assert "Which LMS logs searches?" in body
    assert "Helpful Helper" in body


def test_digest_released_red_flag_with_vendor_response(member, public_space):
    topic = _topic(public_space, kind="red_flag", title="Reading history kept forever")
    type(topic).objects.filter(pk=topic.pk).update(
        embargo_state="released", released_at=IN_PERIOD
    )
    PostFactory(topic=topic, is_vendor_response=True)
    _send(member)
    body = outbox.outbox[0].body
    assert "Reading history kept forever" in body
    assert "with the vendor's response" in body


def test_digest_vendor_section_lists_roadmap_changes_of_followed_vendor(
    member, vendor_a
):
    from vendors.models import Product, RoadmapItem, RoadmapStatusChange

    product = Product.objects.create(
        organisation=vendor_a, name="Stacks", slug="stacks", product_type="lms"
    )
    item = RoadmapItem.objects.create(
        product=product, title="Delete loan history", status="in_progress"
    )
    RoadmapStatusChange.objects.create(
        item=item, from_status="planned", to_status="in_progress", changed_at=IN_PERIOD
    )
    follow(member, level="normal", organisation=vendor_a)
    _send(member)
    body = outbox.outbox[0].body
    assert "Stacks roadmap: Delete loan history" in body
    assert "Planned → In progress" in body


def test_digest_send_query_count_does_not_grow_with_items(member, watched_space):
    _topic(watched_space)
    digests.digest_build(
        user=member, period_start=PERIOD_START, period_end=SLOT
    )  # warm
    with CaptureQueriesContext(connection) as few:
        digests.digest_build(user=member, period_start=PERIOD_START, period_end=SLOT)
    for _ in range(15):
        _topic(watched_space, author=UserFactory())
    with CaptureQueriesContext(connection) as many:
        digests.digest_build(user=member, period_start=PERIOD_START, period_end=SLOT)
    assert len(many) == len(few)


# ----------------------------------------------------------------- claims, failures


def test_digest_send_claimed_by_live_worker_is_skipped(member, watched_space):
    _topic(watched_space)
    DigestDelivery.objects.create(
        user=member,
        period_start=PERIOD_START,
        period_end=SLOT,
        claimed_at=SLOT + timedelta(minutes=4),
    )
    assert _send(member) == "skipped"
    assert outbox.outbox == []


def test_digest_send_stale_claim_of_dead_worker_is_taken_over(member, watched_space):
    _topic(watched_space)
    DigestDelivery.objects.create(
        user=member,
        period_start=PERIOD_START,
        period_end=SLOT,
        claimed_at=SLOT - timedelta(hours=1),
    )
    assert _send(member) == "sent"
    assert len(outbox.outbox) == 1
    assert (
        DigestDelivery.objects.get(user=member).attempts == 1
    )  # 0 before the take-over


class _FlakyBackend(locmem.EmailBackend):
    """Fails with the queued errors, then delivers to the locmem outbox."""

    errors: list[BaseException] = []

    def send_messages(self, messages):
        if type(self).errors:
            raise type(self).errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}._FlakyBackend"
    _FlakyBackend.errors = []
    return _FlakyBackend


def test_digest_send_transient_error_releases_claim_for_retry(
    member, watched_space, flaky
):
    _topic(watched_space)
    flaky.errors = [smtplib.SMTPServerDisconnected("dropped")]
    with time_machine.travel(SLOT + timedelta(minutes=5), tick=False):
        with pytest.raises(mail.TransientMailError):
            digests.digest_send(
                user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
            )
        delivery = DigestDelivery.objects.get(user=member)
        assert (delivery.state, delivery.claimed_at) == ("claimed", None)
        assert outbox.outbox == []
        # when: the retry runs
        assert (
            digests.digest_send(
                user_id=member.pk, period_start=PERIOD_START, period_end=SLOT
            )
            == "sent"
        )
    assert len(outbox.outbox) == 1


def test_send_digest_task_retries_transient_error_and_sends_once(
    member, watched_space, flaky
):
    _topic(watched_space)
    flaky.errors = [smtplib.SMTPDataError(451, b"try again later")]
    # when: the first run meets a 4xx, the task asks Celery for a retry (with backoff)
    with pytest.raises(Retry):
        _send(member)
    assert outbox.outbox == []
    # and the retry sends it, once
    assert _send(member) == "sent"
    assert _send(member) == "skipped"
    assert len(outbox.outbox) == 1
    assert DigestDelivery.objects.get(user=member).attempts == 2


def test_digest_permanent_failures_mark_address_bouncing(member, watched_space, flaky):
    # given: three periods refused for good
    for week in range(3):
        start = PERIOD_START + timedelta(days=7 * week)
        _topic(watched_space, created_at=start + timedelta(days=1))
        flaky.errors = [
            smtplib.SMTPRecipientsRefused({member.email: (550, b"no such user")})
        ]
        with time_machine.travel(start + timedelta(days=7, minutes=5), tick=False):
            state = digests.digest_send(
                user_id=member.pk,
                period_start=start,
                period_end=start + timedelta(days=7),
            )
        assert state == "failed"
    # then
    prefs = DiscussionSettings.objects.get(user=member)
    assert prefs.bounce_count == 3
    assert prefs.bouncing_since is not None
    assert DigestDelivery.objects.filter(user=member, state="failed").count() == 3
    assert digests.digest_due_batch(now=SLOT + timedelta(days=30)) == []
    # when the member fixes the address
    digests.digest_bounce_reset(user=member)
    prefs.refresh_from_db()
    assert (prefs.bounce_count, prefs.bouncing_since) == (0, None)


def test_digest_two_permanent_failures_then_success_resets_count(
    member, watched_space, flaky
):
    _topic(watched_space)
    DiscussionSettings.objects.filter(user=member).update(bounce_count=2)
    assert _send(member) == "sent"
    assert DiscussionSettings.objects.get(user=member).bounce_count == 0


def test_digest_for_unverified_or_off_member_is_skipped(db, public_space):
    off = digest_member(digest_frequency="off")
    follow(off, space=public_space)
    _topic(public_space)
    assert _send(off) == "skipped"
    assert outbox.outbox == []

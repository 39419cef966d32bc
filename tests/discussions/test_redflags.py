"""Coordinated red flags: the vendor response window on every surface, respond, release."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from discussions import selectors, services
from discussions.models import (
    EmbargoState,
    ModerationEvent,
    Notification,
    Post,
    Space,
    Topic,
)
from discussions.related import related_topics_for_product
from discussions.tasks.redflags import release_due_red_flags_task
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import MembershipFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

FLAG_TITLE = "Stacks keeps circulation records forever"
FLAG_BODY = "Clause 4.2 lets the vendor keep loan history indefinitely (zanzibar)."


@pytest.fixture(autouse=True)
def _no_premoderation(settings: Any) -> None:
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def raise_flag(
    author: Any, space: Space, product: Any, title: str = FLAG_TITLE
) -> Topic:
    return services.topic_create(
        actor=author,
        space=space,
        kind="red_flag",
        title=title,
        body=FLAG_BODY,
        product=product,
        clause_reference="4.2",
    )


@pytest.fixture
def other_worker(library: Any) -> Any:
    user = UserFactory(email="other@riverside-library.example")
    MembershipFactory(user=user, organisation=library)
    return user


@pytest.fixture
def flag(library_worker: Any, public_space: Space, product_a: Any) -> Topic:
    return raise_flag(library_worker, public_space, product_a)


@pytest.fixture
def roles(people: dict[str, Any], other_worker: Any) -> dict[str, Any]:
    """Who may see a flag in its window (True) and who may not."""
    return {**people, "other_worker": other_worker}


SEES = {
    "anonymous": False,
    "library_worker": True,  # the author
    "other_worker": False,
    "vendor_rep_a": True,  # the flagged product's vendor
    "vendor_rep_b": False,
    "moderator": True,
    "admin": True,
}


# ----------------------------------------------------------------- the window starts


def test_topic_create_red_flag_with_product_starts_the_window(
    flag: Topic, vendor_a: Any, public_space: Space
) -> None:
    assert flag.embargo_state == EmbargoState.EMBARGOED
    assert flag.embargo_vendor_id == vendor_a.pk
    expected = flag.created_at + dt.timedelta(days=public_space.red_flag_window_days)
    assert abs((flag.embargo_ends_at - expected).total_seconds()) < 5


# ----------------------------------------------------------------- every surface


@pytest.mark.parametrize("role", list(SEES))
def test_topic_page_during_window_only_author_vendor_and_moderators(
    flag: Topic, roles: dict[str, Any], role: str
) -> None:
    response = _client(roles[role]).get(flag.get_absolute_url())
    assert response.status_code == (200 if SEES[role] else 404)


@pytest.mark.parametrize("role", list(SEES))
def test_topic_list_and_space_page_during_window_per_role(
    flag: Topic, roles: dict[str, Any], role: str, public_space: Space
) -> None:
    viewer = roles[role] or AnonymousUser()
    listed = selectors.topic_list(viewer=viewer, space=public_space)
    assert (flag in listed) is SEES[role]
    assert (flag in selectors.topic_list(viewer=viewer)) is SEES[role]
    page = _client(roles[role]).get(public_space.get_absolute_url())
    assert page.status_code == 200
    assert (FLAG_TITLE in page.content.decode()) is SEES[role]


@pytest.mark.parametrize("role", list(SEES))
def test_search_during_window_per_role(
    flag: Topic, roles: dict[str, Any], role: str
) -> None:
    viewer = roles[role] or AnonymousUser()
    for query in ("circulation", "zanzibar"):  # title and opening post
        page = selectors.search_topics(viewer=viewer, query=query, page=1)
        assert ([hit.topic for hit in page.object_list] == [flag]) is SEES[role]
    response = _client(roles[role]).get(
        reverse("discussions:search"), {"q": "zanzibar"}
    )
    assert (FLAG_TITLE in response.content.decode()) is SEES[role]


@pytest.mark.parametrize("role", ["anonymous", "moderator", "vendor_rep_a"])
def test_feeds_during_window_never_list_the_flag(
    flag: Topic, roles: dict[str, Any], role: str, public_space: Space
) -> None:
    client = _client(roles[role])
    for name, kwargs in (
        ("discussions:feed_site_atom", {}),
        ("discussions:feed_site_rss", {}),
        ("discussions:feed_space_atom", {"slug": public_space.slug}),
        ("discussions:feed_space_rss", {"slug": public_space.slug}),
    ):
        body = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert FLAG_TITLE not in body
        assert "zanzibar" not in body


def test_space_topic_count_excludes_flag_until_release(
    flag: Topic, public_space: Space, moderator: Any
) -> None:
    public_space.refresh_from_db()
    assert public_space.topic_count == 0
    services.red_flag_release(topic=flag, actor=moderator, reason="Vendor answered.")
    public_space.refresh_from_db()
    assert public_space.topic_count == 1


@pytest.mark.parametrize("role", list(SEES))
def test_product_related_content_during_window_per_role(
    flag: Topic, roles: dict[str, Any], role: str, product_a: Any
) -> None:
    viewer = roles[role] or AnonymousUser()
    content = related_topics_for_product(product=product_a, viewer=viewer)
    titles = [link.title for link in content.links] if content else []
    assert (FLAG_TITLE in titles) is SEES[role]
    url = reverse(
        "vendors:product_detail",
        kwargs={"vendor_slug": product_a.organisation.slug, "product_slug": "stacks"},
    )
    response = _client(roles[role]).get(url)
    assert response.status_code == 200
    assert (FLAG_TITLE in response.content.decode()) is SEES[role]


def test_followers_get_no_notification_or_mail_during_window(
    library_worker: Any, other_worker: Any, public_space: Space, product_a: Any
) -> None:
    services.follow_set(actor=other_worker, level="watching", space=public_space)
    services.follow_set(actor=other_worker, level="watching", product=product_a)
    mail.outbox.clear()
    raise_flag(library_worker, public_space, product_a)
    assert not Notification.objects.filter(user=other_worker).exists()
    assert all(other_worker.email not in message.to for message in mail.outbox)


# ----------------------------------------------------------------- vendor response


@pytest.fixture
def roadmap_item(product_a: Any) -> Any:
    from vendors.models import RoadmapItem

    return RoadmapItem.objects.create(product=product_a, title="Purge loan history")


def test_red_flag_respond_by_vendor_rep_posts_official_response(
    flag: Topic, vendor_rep_a: Any, vendor_a: Any, roadmap_item: Any
) -> None:
    response = _client(vendor_rep_a).post(
        reverse("discussions:red_flag_respond", kwargs={"topic_id": flag.pk}),
        {
            "body": "We purge loans after 30 days from March.",
            "roadmap_item": roadmap_item.pk,
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(topic=flag, number=2)
    assert post.is_vendor_response
    assert post.organisation_id == vendor_a.pk
    assert post.roadmap_item_id == roadmap_item.pk
    flag.refresh_from_db()
    assert flag.roadmap_item_id == roadmap_item.pk
    assert flag.embargo_state == EmbargoState.EMBARGOED  # answering does not publish


def test_red_flag_respond_form_shown_to_vendor_rep(
    flag: Topic, vendor_rep_a: Any, roadmap_item: Any
) -> None:
    response = _client(vendor_rep_a).get(
        reverse("discussions:red_flag_respond", kwargs={"topic_id": flag.pk})
    )
    assert response.status_code == 200
    assert "Purge loan history" in response.content.decode()


def test_red_flag_respond_with_another_products_roadmap_item_is_form_error(
    flag: Topic, vendor_rep_a: Any, vendor_a: Any
) -> None:
    from vendors.models import Product, RoadmapItem

    other = Product.objects.create(
        organisation=vendor_a, name="Other", slug="other", product_type="lms"
    )
    foreign = RoadmapItem.objects.create(product=other, title="Elsewhere")
    response = _client(vendor_rep_a).post(
        reverse("discussions:red_flag_respond", kwargs={"topic_id": flag.pk}),
        {"body": "Our answer text.", "roadmap_item": foreign.pk},
    )
    assert response.status_code == 200
    assert "Our answer text." in response.content.decode()
    assert not Post.objects.filter(topic=flag, number=2).exists()
    with pytest.raises(ValidationError):
        services.red_flag_respond(
            actor=vendor_rep_a, topic=flag, body="Answer.", roadmap_item=foreign
        )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("library_worker", 403),  # the author sees it but cannot answer for the vendor
        ("vendor_rep_b", 404),
        ("moderator", 403),
    ],
)
def test_red_flag_respond_refused_for_others(
    flag: Topic, roles: dict[str, Any], role: str, status: int
) -> None:
    response = _client(roles[role]).post(
        reverse("discussions:red_flag_respond", kwargs={"topic_id": flag.pk}),
        {"body": "Not my place."},
    )
    assert response.status_code == status
    assert not Post.objects.filter(topic=flag, number=2).exists()


def test_red_flag_respond_service_refuses_other_vendor(
    flag: Topic, vendor_rep_b: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.red_flag_respond(actor=vendor_rep_b, topic=flag, body="Hello there.")


# ----------------------------------------------------------------- release


def test_red_flag_release_by_moderator_publishes_flag_and_response(
    flag: Topic, vendor_rep_a: Any, moderator: Any, other_worker: Any
) -> None:
    services.red_flag_respond(actor=vendor_rep_a, topic=flag, body="Our response here.")
    response = _client(moderator).post(
        reverse("discussions:red_flag_release", kwargs={"topic_id": flag.pk}),
        {"reason": "The vendor answered early."},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.embargo_state == EmbargoState.RELEASED
    assert flag.released_at is not None
    event = ModerationEvent.objects.get(topic=flag, action="release")
    assert event.actor == moderator
    assert event.reason == "The vendor answered early."
    page = _client(other_worker).get(flag.get_absolute_url())
    assert page.status_code == 200
    assert "Our response here." in page.content.decode()
    anonymous = _client(None).get(flag.get_absolute_url())
    assert anonymous.status_code == 200


def test_red_flag_release_tells_followers(
    flag: Topic, moderator: Any, other_worker: Any, monkeypatch: Any
) -> None:
    calls = []
    monkeypatch.setattr(
        "discussions.services.notifications.notify_red_flag_released",
        lambda *, topic: calls.append(topic.pk),
    )
    services.red_flag_release(topic=flag, actor=moderator, reason="Decided.")
    services.red_flag_release(topic=flag, actor=moderator, reason="Again.")
    assert calls == [flag.pk]
    assert ModerationEvent.objects.filter(topic=flag, action="release").count() == 1


def test_red_flag_release_without_reason_keeps_embargo(
    flag: Topic, moderator: Any
) -> None:
    response = _client(moderator).post(
        reverse("discussions:red_flag_release", kwargs={"topic_id": flag.pk}),
        {"reason": ""},
    )
    assert response.status_code == 200
    flag.refresh_from_db()
    assert flag.embargo_state == EmbargoState.EMBARGOED


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("library_worker", 403),
        ("vendor_rep_a", 403),
        ("vendor_rep_b", 404),
        ("other_worker", 404),
    ],
)
def test_red_flag_release_refused_for_non_moderators(
    flag: Topic, roles: dict[str, Any], role: str, status: int
) -> None:
    response = _client(roles[role]).post(
        reverse("discussions:red_flag_release", kwargs={"topic_id": flag.pk}),
        {"reason": "Let me."},
    )
    assert response.status_code == status
    flag.refresh_from_db()
    assert flag.embargo_state == EmbargoState.EMBARGOED


def test_red_flag_release_after_release_shows_it_everywhere(
    flag: Topic, moderator: Any, public_space: Space, product_a: Any
) -> None:
    services.red_flag_release(topic=flag, actor=moderator, reason="Decided.")
    anonymous = AnonymousUser()
    assert flag in selectors.topic_list(viewer=anonymous, space=public_space)
    hits = selectors.search_topics(viewer=anonymous, query="zanzibar", page=1)
    assert [hit.topic for hit in hits.object_list] == [flag]
    feed = _client(moderator).get(reverse("discussions:feed_site_atom"))
    assert FLAG_TITLE in feed.content.decode()
    content = related_topics_for_product(product=product_a, viewer=anonymous)
    assert content is not None
    assert [link.title for link in content.links] == [FLAG_TITLE]


# ----------------------------------------------------------------- the panel


def test_redflag_panel_shows_window_and_actions_per_role(
    flag: Topic, vendor_rep_a: Any, moderator: Any, library_worker: Any
) -> None:
    respond_url = reverse("discussions:red_flag_respond", kwargs={"topic_id": flag.pk})
    release_url = reverse("discussions:red_flag_release", kwargs={"topic_id": flag.pk})
    rep_page = _client(vendor_rep_a).get(flag.get_absolute_url()).content.decode()
    assert "has until" in rep_page
    assert respond_url in rep_page
    assert release_url not in rep_page
    mod_page = _client(moderator).get(flag.get_absolute_url()).content.decode()
    assert release_url in mod_page
    assert respond_url not in mod_page
    author_page = _client(library_worker).get(flag.get_absolute_url()).content.decode()
    assert "has until" in author_page
    assert respond_url not in author_page
    assert release_url not in author_page


def test_redflag_panel_after_release_shows_publication_date(
    flag: Topic, moderator: Any
) -> None:
    services.red_flag_release(topic=flag, actor=moderator, reason="Decided.")
    page = _client(None).get(flag.get_absolute_url()).content.decode()
    assert "Published on" in page


# ----------------------------------------------------------------- the beat job


def test_red_flags_release_due_releases_exactly_the_due_ones_idempotently(
    library_worker: Any, public_space: Space, product_a: Any
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        early = raise_flag(library_worker, public_space, product_a, "First flag title")
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        middle = raise_flag(
            library_worker, public_space, product_a, "Second flag title"
        )
    with time_machine.travel(start + dt.timedelta(days=10), tick=False):
        late = raise_flag(library_worker, public_space, product_a, "Third flag title")
    with time_machine.travel(start + dt.timedelta(days=13), tick=False):
        assert services.red_flags_release_due() == 0
    with time_machine.travel(start + dt.timedelta(days=16, hours=1), tick=False):
        assert release_due_red_flags_task.delay().get() == 2
        assert release_due_red_flags_task.delay().get() == 0  # run twice: nothing more
    states = dict(
        Topic.objects.filter(pk__in=[early.pk, middle.pk, late.pk]).values_list(
            "pk", "embargo_state"
        )
    )
    assert states == {
        early.pk: EmbargoState.RELEASED,
        middle.pk: EmbargoState.RELEASED,
        late.pk: EmbargoState.EMBARGOED,
    }
    events = ModerationEvent.objects.filter(action="release")
    assert events.count() == 2
    assert all(event.actor is None and event.extra["automatic"] for event in events)


def test_red_flags_release_due_processes_one_batch(
    library_worker: Any, public_space: Space, product_a: Any
) -> None:
    for n in range(3):
        raise_flag(library_worker, public_space, product_a, f"Batch flag number {n}")
    later = timezone.now() + dt.timedelta(days=30)
    assert services.red_flags_release_due(now=later, limit=2) == 2
    assert services.red_flags_release_due(now=later, limit=2) == 1
    assert not Topic.objects.filter(embargo_state=EmbargoState.EMBARGOED).exists()


def test_beat_schedule_runs_the_release_job(settings: Any) -> None:
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "discussions.tasks.redflags.release_due_red_flags_task" in tasks

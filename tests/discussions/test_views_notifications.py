"""The notifications page, follow endpoint, settings page and the header badge."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from discussions.models import (
    DiscussionSettings,
    Notification,
    NotificationKind,
    Subscription,
)
from tests.factories import PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

LIST_URL = "/discussions/notifications/"
SETTINGS_URL = "/discussions/settings/notifications/"


def notify(user: Any, space: Any, count: int = 1) -> list[Notification]:
    rows = []
    for _ in range(count):
        topic = TopicFactory(space=space)
        post = PostFactory(topic=topic)
        rows.append(
            Notification.objects.create(
                user=user, kind=NotificationKind.REPLY, topic=topic, post=post
            )
        )
    return rows


def follow_url(target_type: str, target_id: int) -> str:
    return reverse(
        "discussions:follow",
        kwargs={"target_type": target_type, "target_id": target_id},
    )


# ----------------------------------------------------------------- the list


def test_notification_list_by_anonymous_redirects_to_sign_in(client):
    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_notification_list_shows_own_notifications_only(client, library_worker, spaces):
    notify(library_worker, spaces["public"])
    notify(UserFactory(), spaces["public"])
    client.force_login(library_worker)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert (
        response.content.decode().count('class="notification notification--unread"')
        == 1
    )
    row = Notification.objects.get(user=library_worker)
    assert (
        f"{row.post.author.display_name} replied in “{row.topic.title}”"
        in response.content.decode()
    )


def test_notification_list_hides_notifications_about_hidden_topics(
    client, library_worker, spaces
):
    from django.utils import timezone

    (row,) = notify(library_worker, spaces["public"])
    type(row.topic).objects.filter(pk=row.topic_id).update(hidden_at=timezone.now())
    client.force_login(library_worker)
    response = client.get(LIST_URL)
    assert row.topic.title not in response.content.decode()


def test_notification_list_query_count_is_constant(
    client, library_worker, spaces, django_assert_max_num_queries
):
    # given
    client.force_login(library_worker)
    notify(library_worker, spaces["public"], 2)
    client.get(LIST_URL)  # warm caches (sessions, content types)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    notify(library_worker, spaces["public"], 12)
    # when / then
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert response.content.decode().count("notification--unread") == 14
    assert len(many) == len(few)


def test_notification_open_by_post_marks_read_and_redirects(
    client, library_worker, spaces
):
    (row,) = notify(library_worker, spaces["public"])
    client.force_login(library_worker)
    response = client.post(reverse("discussions:notification_open", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"/discussions/p/{row.post_id}/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_notification_open_by_get_changes_nothing(client, library_worker, spaces):
    # A link on another site (or a prefetching mail client) cannot mark it read.
    (row,) = notify(library_worker, spaces["public"])
    client.force_login(library_worker)
    response = client.get(reverse("discussions:notification_open", args=[row.pk]))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is None


def test_notification_open_needs_the_csrf_token(library_worker, spaces):
    from django.test import Client

    (row,) = notify(library_worker, spaces["public"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(library_worker)
    response = client.post(reverse("discussions:notification_open", args=[row.pk]))
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.read_at is None


def test_notification_list_opens_unread_items_with_a_form(
    client, library_worker, spaces
):
    (row,) = notify(library_worker, spaces["public"])
    client.force_login(library_worker)
    html = client.get(LIST_URL).content.decode()
    url = reverse("discussions:notification_open", args=[row.pk])
    assert f'method="post" action="{url}"' in html
    assert f'href="{url}"' not in html


def test_notification_open_of_someone_else_is_404(client, library_worker, spaces):
    (row,) = notify(UserFactory(), spaces["public"])
    client.force_login(library_worker)
    response = client.get(reverse("discussions:notification_open", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_notification_read_marks_only_own(client, library_worker, spaces):
    (mine,) = notify(library_worker, spaces["public"])
    (theirs,) = notify(UserFactory(), spaces["public"])
    client.force_login(library_worker)
    client.post(reverse("discussions:notification_read", args=[mine.pk]))
    client.post(reverse("discussions:notification_read", args=[theirs.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


def test_notifications_read_all_marks_every_one(client, library_worker, spaces):
    notify(library_worker, spaces["public"], 3)
    client.force_login(library_worker)
    response = client.post(reverse("discussions:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()


# ----------------------------------------------------------------- the header badge


def test_header_shows_unread_count_for_members(client, library_worker, spaces):
    notify(library_worker, spaces["public"], 2)
    client.force_login(library_worker)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'class="site-notifications__toggle"' in html
    assert '<span class="badge">2' in html


def test_header_without_count_for_anonymous(client):
    html = client.get("/vendors/").content.decode()
    assert "site-notifications__toggle" not in html


def test_header_badge_degrades_when_the_count_fails(client, library_worker):
    client.force_login(library_worker)
    with mock.patch(
        "discussions.selectors.notification_unread_count",
        side_effect=DatabaseError("down"),
    ):
        response = client.get("/vendors/")
    assert response.status_code == 200
    assert "site-notifications__toggle" in response.content.decode()


# ----------------------------------------------------------------- follow


def test_follow_sets_level_and_redirects_to_next(client, library_worker, spaces):
    client.force_login(library_worker)
    response = client.post(
        follow_url("space", spaces["public"].pk),
        {"level": "watching", "next": "/discussions/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/discussions/"
    assert Subscription.objects.get(user=library_worker).level == "watching"


def test_follow_with_foreign_next_goes_back_to_target(client, library_worker, spaces):
    client.force_login(library_worker)
    response = client.post(
        follow_url("space", spaces["public"].pk),
        {"level": "muted", "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == spaces["public"].get_absolute_url()


def test_follow_with_bad_level_changes_nothing(client, library_worker, spaces):
    client.force_login(library_worker)
    response = client.post(follow_url("space", spaces["public"].pk), {"level": "loud"})
    assert response.status_code == 302
    assert not Subscription.objects.exists()


def test_follow_remove_deletes_the_row(client, library_worker, spaces):
    Subscription.objects.create(
        user=library_worker, space=spaces["public"], level="watching"
    )
    client.force_login(library_worker)
    client.post(follow_url("space", spaces["public"].pk), {"level": "remove"})
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("library_worker", 302),
        ("vendor_rep_a", 404),  # cannot read a library-workers-only space
        ("moderator", 302),
    ],
)
def test_follow_library_space_per_role(client, people, spaces, role, status):
    client.force_login(people[role])
    response = client.post(
        follow_url("space", spaces["library_workers"].pk), {"level": "watching"}
    )
    assert response.status_code == status


def test_follow_by_anonymous_is_sent_to_sign_in(client, spaces):
    response = client.post(
        follow_url("space", spaces["public"].pk), {"level": "watching"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Subscription.objects.exists()


def test_follow_vendor_and_product(
    client, library_worker, vendor_a, product_a, library
):
    client.force_login(library_worker)
    assert (
        client.post(follow_url("vendor", vendor_a.pk), {"level": "watching"})[
            "Location"
        ]
        == "/vendors/vendor-a/"
    )
    client.post(follow_url("product", product_a.pk), {"level": "watching"})
    assert Subscription.objects.filter(user=library_worker).count() == 2
    # a library is not a vendor: nothing to follow there
    response = client.post(follow_url("vendor", library.pk), {"level": "watching"})
    assert response.status_code == 404


def test_follow_unknown_target_type_is_404(client, library_worker):
    client.force_login(library_worker)
    response = client.post(follow_url("planet", 1), {"level": "watching"})
    assert response.status_code == 404


def test_follow_control_partial_shows_current_level(library_worker, spaces):
    topic = TopicFactory(space=spaces["public"])
    Subscription.objects.create(user=library_worker, topic=topic, level="muted")
    request = RequestFactory().get(topic.get_absolute_url())
    request.user = library_worker
    html = render_to_string(
        "discussions/includes/follow_control.html",
        {"topic": topic, "space": topic.space, "viewer": library_worker},
        request=request,
    )
    assert follow_url("topic", topic.pk) in html
    assert 'value="muted" aria-pressed="true"' in html
    assert 'value="watching" aria-pressed="false"' in html
    assert '<span class="follow-menu__state">Muted</span>' in html


def test_follow_control_partial_for_anonymous_links_to_sign_in(spaces):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/discussions/s/open/")
    request.user = AnonymousUser()
    html = render_to_string(
        "discussions/includes/follow_control.html",
        {"space": spaces["public"], "viewer": request.user},
        request=request,
    )
    assert "/accounts/login/" in html
    assert "<form" not in html


# ----------------------------------------------------------------- settings


def test_notification_settings_shows_defaults(client, library_worker):
    client.force_login(library_worker)
    html = client.get(SETTINGS_URL).content.decode()
    assert 'name="email_notifications"' in html
    assert 'value="weekly" selected' in html
    assert 'value="UTC"' in html


def test_notification_settings_post_saves(client, library_worker):
    client.force_login(library_worker)
    response = client.post(
        SETTINGS_URL,
        {
            "email_notifications": "on",
            "digest_frequency": "daily",
            "digest_hour": "7",
            "digest_weekday": "2",
            "time_zone": "America/Chicago",
        },
    )
    assert response.status_code == 302
    row = DiscussionSettings.objects.get(user=library_worker)
    assert row.email_notifications is True
    assert row.time_zone == "America/Chicago"


def test_notification_settings_bad_time_zone_is_refused_with_the_list_again(
    client, library_worker
):
    client.force_login(library_worker)
    response = client.post(
        SETTINGS_URL,
        {
            "digest_frequency": "weekly",
            "digest_hour": "8",
            "digest_weekday": "0",
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unknown time zone: choose one from the list." in html
    assert 'aria-invalid="true"' in html
    assert 'value="Mars/Olympus"' not in html  # not offered back as a choice
    assert '<optgroup label="Europe">' in html
    assert not DiscussionSettings.objects.filter(user=library_worker).exists()


def test_notification_settings_time_zone_is_a_grouped_list(client, library_worker):
    client.force_login(library_worker)
    html = client.get(SETTINGS_URL).content.decode()
    assert '<select name="time_zone" class="time-zone-select"' in html
    for region in ("America", "Asia", "Australia", "Europe", "Pacific"):
        assert f'<optgroup label="{region}">' in html
    assert (
        '<option value="America/Argentina/Buenos_Aires">Argentina / Buenos Aires</option>'
        in html
    )
    assert '<option value="UTC" selected>UTC</option>' in html
    # Nothing chosen yet: the browser's zone may be preselected by the script.
    assert 'data-browser-default="1"' in html


def test_notification_settings_keeps_a_chosen_legacy_zone(client, library_worker):
    DiscussionSettings.objects.create(user=library_worker, time_zone="US/Eastern")
    client.force_login(library_worker)
    html = client.get(SETTINGS_URL).content.decode()
    assert '<optgroup label="Other">' in html
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in html
    assert "data-browser-default" not in html


def test_notification_settings_lists_follows_with_change_forms(
    client, library_worker, product_a
):
    Subscription.objects.create(
        user=library_worker, product=product_a, level="watching"
    )
    client.force_login(library_worker)
    html = client.get(SETTINGS_URL).content.decode()
    assert "Stacks" in html
    assert follow_url("product", product_a.pk) in html


def test_follow_by_htmx_answers_the_menu_in_place(client, library_worker, spaces):
    # given
    space = spaces["public"]
    client.force_login(library_worker)

    # when: one click on "Watching" in the menu (htmx)
    response = client.post(
        follow_url("space", space.pk),
        {"level": "watching", "next": "/discussions/"},
        headers={"HX-Request": "true"},
    )

    # then: the menu itself comes back, showing the new level; nothing else
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<details class="follow-menu"')
    assert '<span class="follow-menu__state">Watching</span>' in html
    assert 'role="status">Saved.</p>' in html
    assert (
        Subscription.objects.get(user=library_worker, space=space).level == "watching"
    )


def test_follow_by_htmx_with_a_bad_level_changes_nothing(
    client, library_worker, spaces
):
    client.force_login(library_worker)
    response = client.post(
        follow_url("space", spaces["public"].pk),
        {"level": "shouting"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved." not in response.content.decode()
    assert not Subscription.objects.filter(user=library_worker).exists()


def test_follow_menu_on_vendor_and_product_pages(client, library_worker, product_a):
    client.force_login(library_worker)
    vendor_page = client.get(
        reverse(
            "vendors:vendor_detail", kwargs={"vendor_slug": product_a.organisation.slug}
        )
    ).content.decode()
    product_page = client.get(
        reverse(
            "vendors:product_detail",
            kwargs={
                "vendor_slug": product_a.organisation.slug,
                "product_slug": product_a.slug,
            },
        )
    ).content.decode()
    assert follow_url("vendor", product_a.organisation.pk) in vendor_page
    assert '<details class="follow-menu" id="follow-vendor">' in vendor_page
    assert follow_url("product", product_a.pk) in product_page
    assert '<details class="follow-menu" id="follow-product">' in product_page

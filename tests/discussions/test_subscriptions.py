"""Follow levels and notification settings (discussions.services.subscriptions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from cop.members.models import Organisation
from discussions import services
from discussions.models import DigestFrequency, DiscussionSettings, Subscription
from tests.factories import OrganisationFactory, TagFactory, TopicFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_follow_set_by_member_creates_then_changes_one_row(library_worker, spaces):
    # when
    services.follow_set(actor=library_worker, level="watching", space=spaces["public"])
    services.follow_set(actor=library_worker, level="muted", space=spaces["public"])
    # then
    row = Subscription.objects.get(user=library_worker)
    assert row.space == spaces["public"]
    assert row.level == "muted"


def test_follow_set_with_unknown_level_is_refused(library_worker, spaces):
    with pytest.raises(ValidationError):
        services.follow_set(actor=library_worker, level="loud", space=spaces["public"])
    assert not Subscription.objects.exists()


def test_follow_set_with_two_targets_is_refused(library_worker, spaces):
    with pytest.raises(ValidationError):
        services.follow_set(
            actor=library_worker,
            level="watching",
            space=spaces["public"],
            tag=TagFactory(),
        )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("library_worker", True),
        ("vendor_rep_a", False),  # no vendor reads a library-workers-only space
        ("moderator", True),
        ("admin", True),
    ],
)
def test_follow_set_on_library_space_per_role(people, spaces, role, allowed):
    actor = people[role]
    if allowed:
        services.follow_set(
            actor=actor, level="watching", space=spaces["library_workers"]
        )
        assert Subscription.objects.filter(user=actor).count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.follow_set(
                actor=actor, level="watching", space=spaces["library_workers"]
            )
        assert not Subscription.objects.filter(user=actor).exists()


def test_follow_set_by_anonymous_is_denied(spaces):
    with pytest.raises(PermissionDenied):
        services.follow_set(
            actor=AnonymousUser(), level="watching", space=spaces["public"]
        )


def test_follow_set_on_unreadable_topic_is_denied(vendor_rep_a, spaces):
    topic = TopicFactory(space=spaces["working_group"])
    with pytest.raises(PermissionDenied):
        services.follow_set(actor=vendor_rep_a, level="watching", topic=topic)


def test_follow_set_on_vendor_and_product_works(library_worker, vendor_a, product_a):
    services.follow_set(actor=library_worker, level="watching", organisation=vendor_a)
    services.follow_set(actor=library_worker, level="watching", product=product_a)
    assert Subscription.objects.filter(user=library_worker).count() == 2


def test_follow_set_on_library_organisation_is_denied(library_worker):
    library_org = OrganisationFactory(kind=Organisation.Kind.LIBRARY)
    with pytest.raises(PermissionDenied):
        services.follow_set(
            actor=library_worker, level="watching", organisation=library_org
        )


def test_follow_clear_removes_the_row(library_worker, spaces):
    services.follow_set(actor=library_worker, level="watching", space=spaces["public"])
    assert services.follow_clear(actor=library_worker, space=spaces["public"]) is True
    assert services.follow_clear(actor=library_worker, space=spaces["public"]) is False
    assert not Subscription.objects.exists()


def test_notification_settings_update_saves_choices(library_worker):
    row = services.notification_settings_update(
        actor=library_worker,
        email_notifications=True,
        digest_frequency=DigestFrequency.DAILY,
        digest_hour=18,
        digest_weekday=4,
        time_zone="Europe/Paris",
    )
    row = DiscussionSettings.objects.get(pk=row.pk)
    assert row.email_notifications is True
    assert (row.digest_frequency, row.digest_hour, row.digest_weekday) == (
        "daily",
        18,
        4,
    )
    assert row.time_zone == "Europe/Paris"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus"),
        ("digest_hour", 24),
        ("digest_weekday", 7),
        ("digest_frequency", "hourly"),
    ],
)
def test_notification_settings_update_with_bad_value_is_refused(
    library_worker, field, value
):
    values = {
        "email_notifications": False,
        "digest_frequency": "weekly",
        "digest_hour": 8,
        "digest_weekday": 0,
        "time_zone": "UTC",
        field: value,
    }
    with pytest.raises(ValidationError) as error:
        services.notification_settings_update(actor=library_worker, **values)
    assert field in error.value.message_dict
    assert not DiscussionSettings.objects.filter(user=library_worker).exists()

"""The Discussions area of the Wagtail admin: spaces and the moderation queue link."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from discussions.models import ReviewState, Space
from tests.factories import PostFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _space_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Contracts",
        "slug": "contracts",
        "description": "Contract clauses.",
        "visibility": "members",
        "working_group": "",
        "position": "3",
        "requires_topic_approval": "on",
        "red_flag_window_days": "14",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("library_worker", False),
        ("vendor_rep_a", False),
        ("moderator", True),
        ("admin", True),
    ],
)
def test_space_admin_index_per_role(
    client: Any, people: Any, spaces: Any, role: str, allowed: bool
) -> None:
    if people[role] is not None:
        client.force_login(people[role])
    response = client.get(reverse("discussion_spaces:index"))
    assert (response.status_code == 200) is allowed
    if allowed:
        assert "Library workers" in response.content.decode()


def test_space_admin_creates_space(client: Any, moderator: Any) -> None:
    client.force_login(moderator)
    response = client.post(reverse("discussion_spaces:add"), _space_data())
    assert response.status_code == 302
    space = Space.objects.get(slug="contracts")
    assert space.requires_topic_approval
    assert space.position == 3
    assert space.archived_at is None


def test_space_admin_working_group_without_group_is_a_field_error(
    client: Any, moderator: Any
) -> None:
    client.force_login(moderator)
    response = client.post(
        reverse("discussion_spaces:add"),
        _space_data(visibility="working_group", description="Keep this text"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "working_group" in form.errors
    assert "Keep this text" in response.content.decode()
    assert not Space.objects.filter(slug="contracts").exists()


def test_space_admin_archives_with_a_box(
    client: Any, moderator: Any, spaces: Any
) -> None:
    space = spaces["members"]
    client.force_login(moderator)
    response = client.post(
        reverse("discussion_spaces:edit", args=[space.pk]),
        _space_data(name=space.name, slug=space.slug, archived="on"),
    )
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.archived_at is not None


def test_space_delete_by_moderator_is_refused(
    client: Any, moderator: Any, spaces: Any
) -> None:
    space = spaces["members"]
    client.force_login(moderator)
    client.post(reverse("discussion_spaces:delete", args=[space.pk]))
    assert Space.objects.filter(pk=space.pk).exists()


def test_admin_menu_shows_queue_with_count_to_moderators_only(
    client: Any, moderator: Any, vendor_rep_a: Any, public_space: Any
) -> None:
    topic = TopicFactory(space=public_space, with_posts=1)
    PostFactory(topic=topic, review_state=ReviewState.PENDING)
    client.force_login(moderator)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Moderation queue (1)" in html
    assert reverse("discussions:moderation_queue") in html
    client.force_login(vendor_rep_a)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Moderation queue" not in html

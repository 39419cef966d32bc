"""Opt-in reading history: off by default, markers only when on, off deletes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions import selectors, services
from discussions.models import DiscussionSettings, ReadState
from tests.discussions.conftest import *  # noqa: F403
from tests.factories import TopicFactory

SETTINGS_URL = reverse("discussions:reading_settings")


def _client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _fresh(user: Any) -> Any:
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def topic(public_space: Any) -> Any:
    return TopicFactory(space=public_space, with_posts=5)


def test_reading_history_off_by_default_stores_nothing(
    library_worker: Any, topic: Any
) -> None:
    assert selectors.reading_history_enabled(viewer=library_worker) is False
    result = services.read_state_after_view(
        viewer=library_worker, topic=topic, last_number=3
    )
    services.read_state_mark(actor=library_worker, topic=topic, last_number=3)
    assert result is None
    assert topic.read_marker is None
    assert not ReadState.objects.exists()


def test_read_state_after_view_opted_in_records_and_never_goes_back(
    library_worker: Any, topic: Any
) -> None:
    services.reading_history_set(actor=library_worker, enabled=True)
    viewer = _fresh(library_worker)
    assert (
        services.read_state_after_view(viewer=viewer, topic=topic, last_number=2) == 0
    )
    assert (
        services.read_state_after_view(viewer=viewer, topic=topic, last_number=5) == 2
    )
    assert topic.read_marker.new_count == 3
    assert (
        services.read_state_after_view(viewer=viewer, topic=topic, last_number=1) == 5
    )
    assert ReadState.objects.get(user=library_worker, topic=topic).last_read_number == 5


def test_reading_history_set_off_deletes_read_states(
    library_worker: Any, moderator: Any, topic: Any
) -> None:
    for user in (library_worker, moderator):
        services.reading_history_set(actor=user, enabled=True)
        services.read_state_mark(actor=user, topic=topic, last_number=4)
    deleted = services.reading_history_set(actor=library_worker, enabled=False)
    assert deleted == 1
    assert not ReadState.objects.filter(user=library_worker).exists()
    assert ReadState.objects.filter(user=moderator).count() == 1
    assert DiscussionSettings.objects.get(user=library_worker).reading_history is False


def test_read_states_for_anonymous_and_opted_out_zero_queries(
    library_worker: Any, topic: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert (
            selectors.read_states_for(viewer=AnonymousUser(), topic_ids=[topic.pk])
            == {}
        )
    viewer = _fresh(library_worker)
    selectors.reading_history_enabled(viewer=viewer)  # once per request, then cached
    with django_assert_num_queries(0):
        assert selectors.read_states_for(viewer=viewer, topic_ids=[topic.pk]) == {}


def test_read_markers_attach_one_query_whatever_the_rows(
    library_worker: Any, public_space: Any
) -> None:
    services.reading_history_set(actor=library_worker, enabled=True)
    topics = [TopicFactory(space=public_space, with_posts=3) for _ in range(2)]

    def run(items: list[Any]) -> int:
        viewer = _fresh(library_worker)
        for item in items:
            services.read_state_mark(actor=viewer, topic=item, last_number=1)
        with CaptureQueriesContext(connection) as ctx:
            selectors.read_markers_attach(viewer=viewer, topics=items)
        return len(ctx.captured_queries)

    assert run(topics) == 1
    topics += [TopicFactory(space=public_space, with_posts=3) for _ in range(5)]
    assert run(topics) == 1
    assert all(t.read_marker.new_count == 2 for t in topics)


def test_read_marker_partial_shows_new_and_continue_link_only_when_opted_in(
    library_worker: Any, public_space: Any
) -> None:
    topic = TopicFactory(space=public_space, with_posts=30)
    viewer = _fresh(library_worker)
    selectors.read_markers_attach(viewer=viewer, topics=[topic])
    assert (
        render_to_string(
            "discussions/includes/read_marker.html", {"topic": topic}
        ).strip()
        == ""
    )
    services.reading_history_set(actor=library_worker, enabled=True)
    services.read_state_mark(actor=library_worker, topic=topic, last_number=26)
    selectors.read_markers_attach(viewer=_fresh(library_worker), topics=[topic])
    html = render_to_string("discussions/includes/read_marker.html", {"topic": topic})
    assert "4 new" in html
    assert f"{topic.get_absolute_url()}?page=2#post-27" in html


def test_reading_settings_page_requires_sign_in(db: Any) -> None:
    response = _client(None).get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["library_worker", "vendor_rep_a", "moderator"])
def test_reading_settings_opt_in_and_out_per_role(
    people: dict[str, Any], role: str, topic: Any
) -> None:
    user = people[role]
    client = _client(user)
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert "Reading history is off" in page.content.decode()
    response = client.post(SETTINGS_URL, {"reading_history": "on"}, follow=True)
    assert "Reading history is on" in response.content.decode()
    assert DiscussionSettings.objects.get(user=user).reading_history is True
    services.read_state_mark(actor=_fresh(user), topic=topic, last_number=2)
    assert ReadState.objects.filter(user=user).count() == 1
    response = client.post(SETTINGS_URL, {}, follow=True)
    assert "We deleted the 1 record" in response.content.decode()
    assert not ReadState.objects.filter(user=user).exists()
    assert DiscussionSettings.objects.get(user=user).reading_history is False

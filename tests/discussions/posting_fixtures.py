"""Fixtures shared by the posting service tests (``from ... import *`` in a test module)."""

from __future__ import annotations

from typing import Any

import pytest

from discussions import cache, services
from discussions.models import Topic
from discussions.services import notifications
from tests.factories import UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403
from tests.vendors.disclosure_fixtures import __all__ as _vendor_all

__all__ = [
    *_vendor_all,
    "hooks",
    "new_topic",
    "no_premoderation",
    "suspended",
]


@pytest.fixture(autouse=True)
def no_premoderation(settings: Any) -> None:
    """Posts need no review unless a test turns pre-moderation back on."""
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """Record the notification and cache hooks the services call."""
    calls: dict[str, list[Any]] = {"published": [], "accepted": [], "changed": []}

    def published(*, post: Any) -> None:
        calls["published"].append(post.pk)

    def accepted(*, topic: Any, post: Any, actor: Any) -> None:
        calls["accepted"].append((topic.pk, post.pk, actor.pk))

    def changed(*, space_id: int | None = None, topic_id: int | None = None) -> None:
        calls["changed"].append((space_id, topic_id))

    monkeypatch.setattr(notifications, "notify_post_published", published)
    monkeypatch.setattr(notifications, "notify_answer_accepted", accepted)
    monkeypatch.setattr(cache, "content_changed", changed)
    return calls


@pytest.fixture
def suspended(db: Any) -> Any:
    return UserFactory(email="suspended@example.org", is_active=False)


def new_topic(actor: Any, space: Any, **kwargs: Any) -> Topic:
    """Start a topic through the service with sensible defaults."""
    values: dict[str, Any] = {
        "kind": "general",
        "title": "Retention of circulation records",
        "body": "How long do vendors keep loan history?",
    }
    values.update(kwargs)
    return services.topic_create(actor=actor, space=space, **values)

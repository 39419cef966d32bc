"""Shared helpers of the composing-page tests (new topics, replies, edits, actions)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

__all__ = [
    "XSS_BODY",
    "XSS_TITLE",
    "_no_premoderation_no_cache",
    "client_for",
    "new_topic_url",
    "topic_data",
]

XSS_TITLE = "<script>alert('title')</script> Retention clause"
XSS_BODY = (
    "Look: <img src=x onerror=alert(1)> <script>alert('body')</script> "
    "[click](javascript:alert(2))"
)


@pytest.fixture(autouse=True)
def _no_premoderation_no_cache(settings: Any) -> None:
    """Members post straight away (pre-moderation is tested with the services)."""
    settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS = 0
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def new_topic_url(space: Any) -> str:
    return reverse("discussions:topic_new", kwargs={"slug": space.slug})


def topic_data(**overrides: Any) -> dict[str, str]:
    data = {
        "kind": "general",
        "title": "How long do vendors keep loan history?",
        "body": "We found a clause about **loan history**.",
        "tags": "retention, loans",
    }
    data.update(overrides)
    return data

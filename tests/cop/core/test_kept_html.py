"""``render_kept``: a template part kept per distinct context, with the request's CSRF token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.utils import translation

from cop.core import kept_html
from cop.core.kept_html import render_kept
from tests.factories import UserFactory

TEMPLATE = "includes/related_content.html"


@dataclass(frozen=True)
class Link:
    title: str
    url: str
    meta: str = ""


@dataclass(frozen=True)
class Group:
    heading: str
    links: list[Link]
    more_url: str = ""
    template: str = ""
    extra: dict[str, Any] | None = None


@pytest.fixture(autouse=True)
def _empty(settings: Any) -> Any:
    settings.DEBUG = False
    kept_html._memo.items.clear()
    yield
    kept_html._memo.items.clear()


def _request(path: str = "/vendors/a/b/") -> Any:
    request = RequestFactory().get(path)
    request.META["CSRF_COOKIE"] = "x" * 32
    return request


def _group(title: str = "One", follow: bool = False) -> Group:
    extra = None
    if follow:
        extra = {
            "follow": {
                "action": "/discussions/follow/product/1/",
                "level": "",
                "shown_level": "normal",
                "levels": [("watching", "Watching"), ("normal", "Normal")],
                "target_type": "product",
            }
        }
    return Group(
        heading="Discussions",
        links=[Link(title=title, url="/t/1/")],
        template="discussions/includes/related_follow.html" if follow else "",
        extra=extra or {},
    )


def test_second_render_is_the_kept_html_and_equals_the_first():
    first = render_kept(TEMPLATE, {"related": [_group()]}, _request())
    kept_html._memo.items.clear()
    again = render_kept(TEMPLATE, {"related": [_group()]}, _request())
    kept = render_kept(TEMPLATE, {"related": [_group()]}, _request())
    assert "One" in first
    assert first == again == kept
    assert len(kept_html._memo.items) == 1


def test_a_different_context_or_path_is_rendered_anew():
    assert "One" in render_kept(TEMPLATE, {"related": [_group("One")]}, _request())
    assert "Two" in render_kept(TEMPLATE, {"related": [_group("Two")]}, _request())
    html = render_kept(
        TEMPLATE, {"related": [_group("One", follow=True)]}, _request("/p/")
    )
    assert 'name="next" value="/p/"' in html
    html = render_kept(
        TEMPLATE, {"related": [_group("One", follow=True)]}, _request("/q/")
    )
    assert 'name="next" value="/q/"' in html


def test_each_request_gets_its_own_csrf_token():
    request = _request()
    html = render_kept(TEMPLATE, {"related": [_group(follow=True)]}, request)
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64
    other = _request()
    other.META["CSRF_COOKIE"] = "y" * 32
    html = render_kept(TEMPLATE, {"related": [_group(follow=True)]}, other)
    token_b = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token_b != token
    assert get_token(other)  # the token of that request, not a kept one


def test_without_a_form_the_csrf_token_is_not_read():
    request = _request()
    render_kept(TEMPLATE, {"related": [_group()]}, request)
    assert not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def test_each_language_has_its_own_copy():
    with translation.override("en"):
        render_kept(TEMPLATE, {"related": [_group()]}, _request())
    with translation.override("fr"):
        render_kept(TEMPLATE, {"related": [_group()]}, _request())
    assert len(kept_html._memo.items) == 2


def test_a_model_instance_is_never_a_key(db: Any):
    user = UserFactory()
    html = render_kept(TEMPLATE, {"related": [_group()], "user": user}, _request())
    assert "One" in html
    assert not kept_html._memo.items


def test_nothing_is_kept_in_debug(settings: Any):
    settings.DEBUG = True
    render_kept(TEMPLATE, {"related": [_group()]}, _request())
    assert not kept_html._memo.items

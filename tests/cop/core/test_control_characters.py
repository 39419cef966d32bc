"""Control characters in a request answer 400 with a clear message, never a 500.

PostgreSQL cannot store a NUL byte, so every parameter that may reach a query is
refused at the edge (``cop.core.control_characters``). The walk at the end requests
every URL pattern of the project with a NUL in its query, its path and its form
fields, as anonymous visitor, library worker and moderator.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from cop.core.control_characters import has_control_characters
from cop.members.models import Membership
from tests.factories import PostFactory, SpaceFactory, TagFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403 - roles, products

pytestmark = pytest.mark.django_db

NUL_QUERY = "q=%00&page=1%00&p=a%00b&domain=%00&module=%00&from=%00"


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "\x01", "x\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9f"],
)
def test_has_control_characters_finds_them(text):
    assert has_control_characters(["fine", text])


@pytest.mark.parametrize(
    "text", ["line\nbreak", "tab\there", "crlf\r\n", "é ü ß ✓ 🙂", ""]
)
def test_has_control_characters_allows_tab_newlines_and_unicode(text):
    assert not has_control_characters([text])


@pytest.mark.parametrize(
    "url",
    [
        "/vendors/compare/?p=%00",
        "/vendors/compare.csv?p=%00",
        "/vendors/compare.json?p=a%00b",
        "/api/v1/criteria/?domain=%00",
        "/api/v1/criteria/?module=%00",
        "/api/v1/products/?vendor=%00",
        "/discussions/search/?q=%00",
        "/criteria/?q=x%00",
        "/vendors/%00/",
        "/%00",
    ],
)
def test_get_with_nul_is_400_never_500(client, url, criteria):
    response = client.get(url)
    assert response.status_code == 400
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    "url", ["/api/v1/criteria/?domain=%00", "/vendors/compare.json?p=a%00b"]
)
def test_api_with_nul_answers_json(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "control characters" in response.json()["detail"]


def test_page_with_nul_explains_what_to_fix(client):
    body = client.get("/vendors/compare/?p=%00").content.decode()
    assert "Control characters are not accepted" in body
    assert "Nothing was saved" in body


def test_form_with_nul_is_400_shows_typed_text_and_saves_nothing(client):
    # given: a member editing their profile
    member = UserFactory(display_name="Kim Lee", bio="old")
    client.force_login(member)
    # when: the bio holds a NUL byte
    response = client.post(
        "/members/profile/",
        {"display_name": "Kim Lee", "bio": "new <b>bio</b>\x00 with a NUL"},
    )
    # then
    assert response.status_code == 400
    body = response.content.decode()
    assert "new &lt;b&gt;bio&lt;/b&gt; with a NUL" in body  # kept, escaped, no NUL
    assert "\x00" not in body
    member.refresh_from_db()
    assert member.bio == "old"


def test_form_with_nul_never_shows_password_fields_back(client):
    response = client.post(
        "/accounts/login/", {"login": "a@example.org\x00", "password": "s3cret-words"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "s3cret-words" not in body
    assert "a@example.org" in body


def test_form_with_tabs_and_newlines_is_accepted(client):
    member = UserFactory(display_name="Kim Lee")
    client.force_login(member)
    response = client.post(
        "/members/profile/", {"display_name": "Kim Lee", "bio": "one\r\n\ttwo"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.bio == "one\n\ttwo"


def test_form_with_nul_and_bad_csrf_token_is_refused_by_csrf_first():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "x\x00"})
    assert response.status_code == 403


# ----------------------------------------------------------------- the walk

# Patterns written as regular expressions: one sample path each.
REGEX_SAMPLES = {
    r"accounts/^confirm-email/(?P<key>[-:\w]+)/$": "/accounts/confirm-email/abc:def/",
    r"accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "/accounts/password/reset/key/1a-set-password/"
    ),
    r"documents/^(\d+)/(.*)$": "/documents/1/report.pdf",
    r"^((?:[\w\-]+/)*)$": "/",
    "admin/^.*/$": "/admin/nothing-here/",
}
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            found += _walk(item, prefix + str(item.pattern))
        else:
            found.append((prefix + str(item.pattern), item))
    return found


@pytest.fixture
def url_values(people, vendor_a, product_a, library) -> dict[str, Any]:
    """Path parameter values by name, from factory rows that exist."""
    space = SpaceFactory(slug="walk-space")
    post = PostFactory(topic__space=space)
    tag = TagFactory(slug="walk-tag")
    post.topic.tags.add(tag)
    return {
        "vendor_slug": vendor_a.slug,
        "product_slug": product_a.slug,
        "slug": space.slug,
        "code": "VPD-1",
        "number": 1,
        "membership_id": Membership.objects.get(user=people["library_worker"]).pk,
        "user_id": people["library_worker"].pk,
        "post_id": post.pk,
        "topic_id": post.topic_id,
        "target_type": "vendor",
        "target_id": vendor_a.pk,
        "token": "not-a-token",
        "pk": vendor_a.pk,
    }


def _fill(route: str, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name, converter = match["name"], match["converter"] or "str"
        if name in values:
            return str(values[name])
        if converter == "int":
            return "1"
        if converter == "uuid":
            return str(uuid.uuid4())
        return "x"

    return "/" + _PARAMETER.sub(value, route)


def _admin_regex_sample(route: str) -> str:
    """Return a path for one of Wagtail's admin API regex routes (groups become 1)."""
    sample = re.sub(r"\(\?P<\w+>[^)]*\)[+*?]?|\([^)]*\)[+*?]?", "1", route)
    sample = sample.replace("^", "").replace("$", "").replace("\\", "")
    return _fill(sample, {})


def _public_and_admin_urls(values: dict[str, Any]) -> tuple[list[str], list[str]]:
    public, admin = [], []
    for route, _pattern in _walk(get_resolver()):
        if route.startswith("admin/") and ("^" in route or "(?P" in route):
            url = _admin_regex_sample(route)
        elif "^" in route or "(?P" in route:
            url = REGEX_SAMPLES[route]  # a new public regex pattern needs a sample
        else:
            url = _fill(route, values)
        (admin if url.startswith(("/admin/", "/django-admin/")) else public).append(url)
    return sorted(set(public)), sorted(set(admin))


def _with_nul_in_path(url: str) -> str:
    head, _, tail = url.rstrip("/").rpartition("/")
    return f"{head}/{tail}%00/" if tail else "/%00/"


def _signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_with_nul_in_query_path_or_form_answers_400_never_5xx(
    people, url_values
):
    # given: every URL pattern, filled from factory rows
    public, admin = _public_and_admin_urls(url_values)
    assert len(public) > 90
    assert len(admin) > 200
    roles = {
        role: _signed_in(people[role])
        for role in ("anonymous", "library_worker", "moderator")
    }
    failures = []

    def check(role: str, method: str, url: str, expected: set[int] | None) -> None:
        client = roles[role]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(
                url, {"body": "a\x00b", "title": "\x00", "q": "\x00"}
            )
        status = response.status_code
        if status >= 500 or (expected is not None and status not in expected):
            failures.append(f"{role:>15} {method} {url} -> {status}")

    # when: NUL in the query string, in the path and in form fields
    for url in public:
        for role in roles:
            check(role, "GET", f"{url}?{NUL_QUERY}", {400})
            check(role, "GET", _with_nul_in_path(url), {400})
        for role in ("anonymous", "library_worker"):
            # Earlier gates (admin scope, MFA) may refuse first; never a 5xx.
            check(role, "POST", url, None)
    for url in admin:
        check("moderator", "GET", f"{url}?{NUL_QUERY}", {400})
        check("moderator", "POST", url, None)

    # then
    assert not failures, "\n".join(failures)

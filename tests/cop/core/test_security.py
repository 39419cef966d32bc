"""Security headers, cookies and log privacy as a client sees them over HTTP."""

from __future__ import annotations

import base64
import hashlib
import io
import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from cop.core.logging import DropClientAddress, scrub
from cop.core.middleware import (
    ContentSecurityPolicyMiddleware,
    wagtail_init_script_hashes,
)

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.77"
PUBLIC_PATHS = ["/", "/no-such-page/", "/healthz"]


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("test-only failure")


# Test-only URLconf (``@pytest.mark.urls(__name__)``): cop's URLs plus a view that fails.
urlpatterns = [path("test-only/boom/", _boom), path("", include("cop.urls"))]


def _directives(response: HttpResponse) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def _sha256_source(text: str) -> str:
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


# ---------------------------------------------------------------- public pages


@pytest.mark.parametrize("url", PUBLIC_PATHS)
def test_public_page_headers_are_strict(client, url):
    response = client.get(url)

    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert "nonce-" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "interest-cohort"):
        assert f"{feature}=()" in permissions


@pytest.mark.parametrize("url", PUBLIC_PATHS)
def test_public_page_anonymous_get_sets_no_cookie(client, url):
    response = client.get(url)

    assert response.status_code in (200, 404)
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_login_page_anonymous_get_sets_only_csrf_cookie(client, settings):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert set(response.cookies) == {settings.CSRF_COOKIE_NAME}


def test_not_found_page_uses_site_template(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert b'href="#main"' in response.content


@pytest.mark.urls(__name__)
def test_server_error_page_renders_500_template_with_headers():
    client = Client(raise_request_exception=False)

    response = client.get("/test-only/boom/")

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert _directives(response)["script-src"] == ["'self'"]
    assert "Permissions-Policy" in response
    assert not response.cookies


# ---------------------------------------------------------------- the Wagtail admin


def test_admin_policy_is_scoped_and_keeps_script_src_strict(client):
    response = client.get("/admin/")

    csp = _directives(response)
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert csp["style-src"] == ["'self'"]  # style="" attributes stay blocked
    assert csp["img-src"] == ["'self'", "data:", "blob:"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert "Permissions-Policy" in response


def _run_middleware(request: HttpRequest, html: str) -> HttpResponse:
    middleware = ContentSecurityPolicyMiddleware(lambda _request: HttpResponse(html))
    return middleware(request)


def test_admin_response_with_wagtail_date_picker_gets_its_hash(rf: RequestFactory):
    script = (
        'initDateChooser("id_go_live_at", {"dayOfWeekStart": 0, "format": "Y-m-d"});'
    )

    response = _run_middleware(
        rf.get("/admin/pages/3/edit/"), f"<script>{script}</script>"
    )

    assert _directives(response)["script-src"] == ["'self'", _sha256_source(script)]


def test_public_response_with_inline_script_gets_no_hash(rf: RequestFactory):
    script = 'initDateChooser("id_go_live_at", {"format": "Y-m-d"});'

    response = _run_middleware(rf.get("/"), f"<script>{script}</script>")

    assert _directives(response)["script-src"] == ["'self'"]


def test_preview_request_gets_admin_policy(rf: RequestFactory):
    # Wagtail renders previews through a dummy request for the page's public URL.
    request = rf.get("/")
    request.is_preview = True

    response = _run_middleware(request, "<h1>Preview</h1>")

    assert _directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.parametrize(
    "script",
    [
        "alert(document.cookie)",
        'initDateChooser("id_x", {"format": alert(1)});',  # config is not JSON
        'initDateChooser("id_x", {"format": "Y"}); alert(1);',
        'fetch("/admin/")',
    ],
)
def test_wagtail_init_script_hashes_ignores_other_scripts(script):
    response = HttpResponse(f"<script>{script}</script>")

    assert wagtail_init_script_hashes(response) == []


def test_wagtail_init_script_hashes_accepts_inline_panel_init():
    script = (
        "\n        (function() {\n            var panel = new InlinePanel("
        'JSON.parse("{\\u0022formsetPrefix\\u0022: \\u0022id_links\\u0022}"));\n'
        "        })();\n    "
    )
    response = HttpResponse(f"<p>x</p><script>{script}</script>")

    assert wagtail_init_script_hashes(response) == [_sha256_source(script)]


def test_wagtail_init_script_hashes_skips_non_html():
    script = 'initTimeChooser("id_t", {"format": "H:i"});'
    response = HttpResponse(f"<script>{script}</script>", content_type="text/plain")

    assert wagtail_init_script_hashes(response) == []


# ---------------------------------------------------------------- logs


@pytest.fixture
def console_output():
    """Return a buffer that receives what cop's console log handler writes."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, DropClientAddress) for f in handler.filters)
    ]
    assert handlers, "the console handler with DropClientAddress is not configured"
    buffer = io.StringIO()
    previous = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


@pytest.mark.urls(__name__)
def test_request_logs_contain_no_client_address(console_output, caplog):
    # given
    client = Client(REMOTE_ADDR=CLIENT_IP, raise_request_exception=False)

    # when: a page, a 404 whose path holds the address, and a 500
    client.get("/")
    client.get(f"/{CLIENT_IP}/")
    client.get("/test-only/boom/")
    logging.getLogger("cop.test").warning("sign-in failed from %s", CLIENT_IP)

    # then
    output = console_output.getvalue()
    assert "Not Found: /[ip]/" in output
    assert "Internal Server Error: /test-only/boom/" in output
    assert "sign-in failed from [ip]" in output
    assert CLIENT_IP not in output
    assert caplog.records, "nothing was logged at all"


def test_drop_client_address_removes_request_and_masks_args():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s asked %s", None, None
    )
    record.args = ("2001:db8::1", "at 12:30:45")
    record.request = object()

    kept = DropClientAddress().filter(record)

    assert kept is True
    assert record.request is None
    assert record.getMessage() == "[ip] asked at 12:30:45"


def test_drop_client_address_masks_mapping_args():
    record = logging.LogRecord(
        "cop", logging.INFO, __file__, 1, "%(who)s", ({"who": CLIENT_IP},), None
    )

    DropClientAddress().filter(record)

    assert record.getMessage() == "[ip]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"from {CLIENT_IP} done", "from [ip] done"),
        ("peer 2001:db8::7 gone", "peer [ip] gone"),
        ("loopback ::1", "loopback [ip]"),
        ("at 12:30:45", "at 12:30:45"),
        ("2026-11-21 22:21:16,960 INFO", "2026-11-21 22:21:16,960 INFO"),
        ("took 10:05", "took 10:05"),
        ("htmx 2.0.11", "htmx 2.0.11"),
        ("999.1.1.1", "999.1.1.1"),
    ],
)
def test_scrub_masks_addresses_but_not_clock_times(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{CLIENT_IP}:51234 GET /", "[ip]:51234 GET /"),
        (f"client ::ffff:{CLIENT_IP} GET /", "client [ip] GET /"),
        ("[2001:db8::2]:8000", "[[ip]]:8000"),
    ],
)
def test_scrub_masks_address_with_port_or_ipv4_mapped(text, expected):
    assert scrub(text) == expected


# ------------------------------------------------- the memoised site-wide policy


def test_changed_policy_settings_reach_the_next_response(rf, settings):
    assert (
        "'self'"
        in _run_middleware(rf.get("/"), "<p>one</p>")["Content-Security-Policy"]
    )

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {"img-src": ["'self'"]}
    }
    response = _run_middleware(rf.get("/"), "<p>two</p>")

    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert "img-src 'self'" in response["Content-Security-Policy-Report-Only"]


def test_a_view_that_changes_its_policy_still_gets_its_own(rf):
    def view(_request: HttpRequest) -> HttpResponse:
        response = HttpResponse("<p>map</p>")
        response._csp_update = {"img-src": ["https://tiles.example.org"]}  # type: ignore[attr-defined]
        return response

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))

    assert _directives(response)["img-src"] == [
        "'self'",
        "data:",
        "https://tiles.example.org",
    ]


def test_excluded_prefixes_are_honoured(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/embed/"],
    }

    excluded = _run_middleware(rf.get("/embed/widget/"), "<p>embed</p>")
    included = _run_middleware(rf.get("/guides/"), "<p>guides</p>")

    assert "Content-Security-Policy" not in excluded
    assert _directives(included)["default-src"] == ["'self'"]

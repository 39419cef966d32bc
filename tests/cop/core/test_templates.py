"""The base layout, its partials, the error pages and the stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from cop.core.templatetags.cop_tags import is_current_section
from tests.factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC = Path(settings.BASE_DIR) / "static"


# ---------------------------------------------------------------- the layout


@pytest.mark.django_db
def test_home_page_anonymous_has_landmarks_skip_link_and_sign_in(client):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('class="skip-link" href="#main"') < html.index("<header")
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer"):
        assert landmark in html
    assert '<nav class="site-nav" aria-label="Primary">' in html
    assert '<a href="/" aria-current="page">Home</a>' in html
    for href in ("/vendors/", "/criteria/", "/members/organisations/"):
        assert f'<a href="{href}">' in html
    assert f'href="{reverse("account_login")}"' in html
    assert f'href="{reverse("account_signup")}"' in html
    assert "Sign out" not in html
    assert 'src="/static/vendor/htmx/htmx.min.js" defer' in html
    assert html.count('rel="stylesheet"') == 1


@pytest.mark.django_db
def test_account_nav_signed_in_offers_account_and_sign_out_form(rf: RequestFactory):
    request = rf.get("/")
    request.user = UserFactory()

    html = render_to_string(
        "includes/account_nav.html", {"user": request.user}, request=request
    )

    assert "Your account" in html
    assert f'method="post" action="{reverse("account_logout")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Sign in" not in html


def test_account_nav_anonymous_has_no_csrf_token(rf: RequestFactory):
    # A token would set a csrftoken cookie on every public page.
    request = rf.get("/")
    request.user = AnonymousUser()

    html = render_to_string(
        "includes/account_nav.html", {"user": request.user}, request=request
    )

    assert "csrfmiddlewaretoken" not in html
    assert "Sign up" in html


@pytest.mark.parametrize(
    ("path", "href", "current"),
    [
        ("/", "/", True),
        ("/vendors/", "/", False),
        ("/vendors/", "/vendors/", True),
        ("/vendors/acme/", "/vendors/", True),
        ("/vendorsx/", "/vendors/", False),
        ("/criteria/", "/vendors/", False),
    ],
)
def test_is_current_section_matches_section_prefix(path, href, current):
    assert is_current_section(path, href) is current


def test_messages_partial_renders_level_classes():
    messages = [
        Message(constants.SUCCESS, "Saved."),
        Message(constants.ERROR, "Not saved."),
    ]

    html = render_to_string("includes/messages.html", {"messages": messages})

    assert '<li class="message message--success">Saved.</li>' in html
    assert '<li class="message message--error">Not saved.</li>' in html


def test_pagination_partial_keeps_other_query_parameters(rf: RequestFactory):
    request = rf.get("/vendors/", {"q": "privacy", "page": "2"})
    page_obj = Paginator(range(30), 10).page(2)

    html = render_to_string(
        "includes/pagination.html", {"page_obj": page_obj}, request=request
    )

    assert 'href="?q=privacy&amp;page=1"' in html
    assert 'href="?q=privacy&amp;page=3"' in html
    assert "Page 2 of 3" in html


def test_pagination_partial_single_page_renders_nothing(rf: RequestFactory):
    page_obj = Paginator(range(3), 10).page(1)

    html = render_to_string(
        "includes/pagination.html", {"page_obj": page_obj}, request=rf.get("/")
    )

    assert html.strip() == ""


# ---------------------------------------------------------------- error pages


def test_server_error_template_renders_without_context():
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="#main"' in html
    assert "/static/css/cop.css" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.permission_denied, 403, "You are not allowed to do this"),
        (defaults.bad_request, 400, "This request could not be understood"),
    ],
)
def test_error_view_renders_site_template(rf: RequestFactory, view, status, heading):
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()

    response = view(request, exception=Exception("detail never shown"))

    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert "detail never shown" not in html
    assert '<nav class="site-nav" aria-label="Primary">' in html


# ---------------------------------------------------------------- CSP-safe markup

_INLINE_STYLE = re.compile(r"\sstyle=", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*application/(?:ld\+)?json)")
_INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style", re.IGNORECASE)


def _public_templates() -> list[Path]:
    # E-mails are not served under the site's CSP.
    return [p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts]


@pytest.mark.parametrize(
    "pattern",
    [_INLINE_STYLE, _INLINE_SCRIPT, _INLINE_HANDLER, _STYLE_ELEMENT],
    ids=["style-attribute", "inline-script", "event-handler", "style-element"],
)
def test_public_templates_have_nothing_inline(pattern):
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in _public_templates()
        if pattern.search(path.read_text())
    ]

    assert offenders == []


# ---------------------------------------------------------------- static files


def test_vendored_htmx_matches_its_readme():
    readme = (STATIC / "vendor/htmx/README.md").read_text()
    version = re.search(r"htmx\.org \*\*(\d+\.\d+\.\d+)\*\*", readme).group(1)

    assert f'version:"{version}"' in (STATIC / "vendor/htmx/htmx.min.js").read_text()
    assert "Zero-Clause BSD" in (STATIC / "vendor/htmx/LICENSE").read_text()


def test_stylesheet_loads_nothing_from_elsewhere():
    css = (STATIC / "css/cop.css").read_text()

    assert "@import" not in css
    assert "@font-face" not in css
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css)


def _tokens(block: str) -> dict[str, str]:
    return dict(re.findall(r"--(color-[\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


TEXT_PAIRS = [
    ("text", "bg"),
    ("text", "surface"),
    ("muted", "bg"),
    ("muted", "surface"),
    ("link", "bg"),
    ("link", "surface"),
    ("link-hover", "bg"),
    ("on-accent", "accent"),
    ("on-accent", "link-hover"),
    ("focus-text", "focus-bg"),
    ("success-text", "success-bg"),
    ("error-text", "error-bg"),
    ("info-text", "info-bg"),
    ("warning-text", "warning-bg"),
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stylesheet_colours_meet_wcag_aa(scheme):
    css = (STATIC / "css/cop.css").read_text()
    light = _tokens(css.split("@media (prefers-color-scheme: dark)")[0])
    dark_block = css.split("@media (prefers-color-scheme: dark)")[1].split("/* ---")[0]
    colours = light if scheme == "light" else {**light, **_tokens(dark_block)}

    failing = {
        f"{fg} on {bg}": round(
            _contrast(colours[f"color-{fg}"], colours[f"color-{bg}"]), 2
        )
        for fg, bg in TEXT_PAIRS
        if _contrast(colours[f"color-{fg}"], colours[f"color-{bg}"]) < 4.5
    }
    # Focus rings and control borders are non-text: 3:1 (WCAG 1.4.11).
    failing.update(
        {
            f"{fg} on bg": round(
                _contrast(colours[f"color-{fg}"], colours["color-bg"]), 2
            )
            for fg in ("focus", "border", "accent")
            if _contrast(colours[f"color-{fg}"], colours["color-bg"]) < 3
        }
    )

    assert failing == {}

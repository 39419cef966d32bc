"""Member Markdown: validation, sanitising, pathological input, local previews, mentions, quotes."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cop.privacy.models import Criterion, RedFlag
from discussions import markup
from discussions.markup.rendering import _ALLOWED_TAGS
from discussions.models import BODY_MAX_LENGTH
from tests.factories import PostFactory, TopicFactory, UserFactory
from tests.vendors.disclosure_fixtures import *  # noqa: F403

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><iframe src="https://evil.example"></iframe>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](java\tscript:alert(1))",
    "[x](&#106;&#97;&#118;&#97;script:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<javascript:alert(1)>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '[x](https://ok.example"onmouseover="alert(1))',
    "<style>body{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[x](//evil.example/path)",
    "[x](/\\evil.example)",
    "<details open ontoggle=alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


SAFE_TAGS = set(_ALLOWED_TAGS)


def _executable(html: str) -> list[str]:
    """Return what in ``html`` a browser could run, style or load from elsewhere."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        if tag not in SAFE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"src", "style", "srcset", "class"}:
                found.append(f"{tag}[{name}]")
            if name == "href":
                target = value.strip().lower()
                if not target.startswith(("http://", "https://", "mailto:", "/", "#")):
                    found.append(f"href={value}")
                if target.startswith("//"):
                    found.append(f"href={value}")
        if tag == "a" and attrs.get("rel") != markup.LINK_REL:
            found.append("a without rel")
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_render_markdown_xss_payload_nothing_executable(payload: str) -> None:
    html = markup.render_markdown(payload)
    assert _executable(html) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_validate_body_xss_payload_kept_as_text(payload: str) -> None:
    # Payloads are valid text: kept as typed, made harmless by the rendering.
    assert markup.validate_body(payload) == payload.strip()


def test_render_markdown_links_get_rel_and_only_safe_schemes() -> None:
    html = markup.render_markdown(
        "[a](https://a.example/x) [m](mailto:someone@example.org) [p](/criteria/)"
    )
    assert html.count('rel="nofollow ugc noopener noreferrer"') == 3
    assert 'href="https://a.example/x"' in html
    assert 'href="mailto:someone@example.org"' in html
    assert 'href="/criteria/"' in html


def test_render_markdown_refused_link_stays_plain_text() -> None:
    html = markup.render_markdown("[click](javascript:alert(1))")
    assert "<a" not in html
    assert "[click](javascript:alert(1))" in html


def test_render_markdown_image_becomes_link_never_img() -> None:
    html = markup.render_markdown("![a cat](https://images.example/cat.png)")
    assert "<img" not in html
    assert '<a href="https://images.example/cat.png"' in html
    assert "Image: a cat" in html


def test_render_markdown_headings_demoted_no_h1() -> None:
    html = markup.render_markdown("# One\n\n## Two\n\n###### Six")
    assert "<h1" not in html
    assert "<h2" not in html
    assert "<h3>One</h3>" in html
    assert "<h4>Two</h4>" in html
    assert "<h6>Six</h6>" in html


def test_render_markdown_table_rendered_without_style() -> None:
    html = markup.render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in html
    assert "<td>2</td>" in html
    assert "style" not in html


def test_render_markdown_raw_html_escaped() -> None:
    html = markup.render_markdown("Hello <b>world</b>")
    assert "<b>" not in html
    assert "&lt;b&gt;world&lt;/b&gt;" in html


@pytest.mark.django_db
def test_render_markdown_bare_remote_link_shows_host_only() -> None:
    html = markup.render_markdown("See https://www.vendor.example/legal/terms?v=3.")
    assert (
        '<a href="https://www.vendor.example/legal/terms?v=3" '
        'rel="nofollow ugc noopener noreferrer">www.vendor.example</a>.'
    ) in html


@pytest.mark.django_db
def test_render_markdown_local_previews_titles_constant_queries(
    settings: Any,
    product_a: Any,
    public_space: Any,
    spaces: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    settings.SITE_URL = "https://cop.example.org"
    criterion = Criterion.objects.current().first()
    red_flag = RedFlag.objects.current().first()
    public = TopicFactory(space=public_space, title="Retention of loan history")
    private = TopicFactory(space=spaces["members"], title="Members-only secret title")
    text = "\n\n".join(
        [
            f"https://cop.example.org/discussions/t/{public.pk}/{public.slug}/",
            f"https://cop.example.org/discussions/t/{private.pk}/x/",
            "https://cop.example.org/vendors/vendor-a/stacks/",
            f"https://cop.example.org/criteria/{criterion.code}/",
            f"<https://cop.example.org/criteria/red-flags/{red_flag.code}/>",
            "https://cop.example.org/discussions/t/999999/gone/",
        ]
    )
    with django_assert_num_queries(4):  # one per kind, whatever the number of links
        html = markup.render_markdown(text)
    assert ">Retention of loan history</a>" in html
    assert "Members-only secret title" not in html
    assert ">Stacks</a>" in html
    assert f">{criterion.code}: {criterion.title}</a>" in html
    assert f">{red_flag.code}: {red_flag.title}</a>" in html
    assert html.count(">cop.example.org</a>") == 2  # private and missing topic

    many = "\n\n".join(
        f"https://cop.example.org/discussions/t/{n}/x/" for n in range(1, 200)
    )
    with django_assert_num_queries(1):
        markup.render_markdown(many)


@pytest.mark.django_db
def test_render_markdown_retired_criterion_shows_host(
    settings: Any, criteria: None
) -> None:
    settings.SITE_URL = "https://cop.example.org"
    criterion = Criterion.objects.current().first()
    Criterion.objects.filter(pk=criterion.pk).update(retired_at="2026-01-01T00:00Z")
    html = markup.render_markdown(f"https://cop.example.org/criteria/{criterion.code}/")
    assert criterion.title not in html
    assert ">cop.example.org</a>" in html


# ----------------------------------------------------------------- validate_body


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\n\t  ", "empty"),
        ("\u200b\u200b \u2060\ufeff", "empty"),
        (None, "empty"),
        ("x" * (BODY_MAX_LENGTH + 1), "max_length"),
        ("bell \x07 here", "control_characters"),
        ("nul \x00 here", "control_characters"),
        ("c1 \x85 here", "control_characters"),
        ("escape \x1b[31m red", "control_characters"),
        ("trojan \u202e source", "control_characters"),
        ("isolate \u2066 x", "control_characters"),
    ],
)
def test_validate_body_bad_input_refused(text: Any, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        markup.validate_body(text)
    assert info.value.code == code


def test_validate_body_strips_carriage_returns_keeps_tabs() -> None:
    assert markup.validate_body("\r\nline one\r\n\tindented\r\n\r\n") == (
        "line one\n\tindented"
    )


def test_validate_body_exactly_max_length_accepted() -> None:
    assert len(markup.validate_body("x" * BODY_MAX_LENGTH)) == BODY_MAX_LENGTH


# ----------------------------------------------------------------- pathological


PATHOLOGICAL = {
    "deep quotes": ">" * 10_000 + " deep",
    "deep lists": "- " * 10_000 + "deep",
    "deep ordered lists": "1. " * 5_000 + "deep",
    "deep mixed": "> - " * 5_000 + "deep",
    "many links": " ".join(f"[l{n}](https://l.example/{n})" for n in range(1_500)),
    "many bare links": " ".join(f"http://l.example/{n}" for n in range(2_500)),
    "many images": " ".join(f"![i](https://i.example/{n})" for n in range(1_500)),
    "wide table": "|"
    + "h|" * 50
    + "\n|"
    + "-|" * 50
    + "\n"
    + ("|" + "1|" * 50 + "\n") * 200,
    "huge table": "|"
    + "h|" * 50
    + "\n|"
    + "-|" * 50
    + "\n"
    + ("|" + "1|" * 50 + "\n") * 2_000,
    "emphasis run": "*" * 20_000 + "x" + "*" * 20_000,
    "open brackets": "[" * 40_000,
    "open links": "[a](" * 10_000,
    "backticks": "`" * 40_000,
    "angle brackets": "<" * 40_000,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_markdown_refused_or_rendered_safely(name: str) -> None:
    text = PATHOLOGICAL[name]
    messages: list[str] = []
    try:
        cleaned: str | None = markup.validate_body(text)
    except ValidationError as error:
        messages, cleaned = error.messages, None
    assert cleaned is not None or messages  # refused with a clear message
    html = markup.render_markdown(text)
    assert _executable(html) == []
    assert len(html) < 20 * max(len(text), 1)
    if cleaned is not None:
        assert html.count("<blockquote>") < markup.MAX_NESTING
        assert html.count("<a ") <= markup.MAX_LINKS


@pytest.mark.parametrize(
    "name", ["deep quotes", "deep lists", "many links", "many bare links", "wide table"]
)
def test_pathological_markdown_refused_with_reason(name: str) -> None:
    with pytest.raises(ValidationError):
        markup.validate_body(PATHOLOGICAL[name])


def test_render_markdown_over_limit_falls_back_to_escaped_text() -> None:
    html = markup.render_markdown(">" * 30 + " <script>x</script>")
    assert "<blockquote>" not in html
    assert "&lt;script&gt;" in html


def test_moderate_nesting_still_renders() -> None:
    html = markup.render_markdown("> > > quoted thrice\n\n- a\n  - b\n    - c")
    assert html.count("<blockquote>") == 3
    assert html.count("<ul>") == 3


# ----------------------------------------------------------------- mentions


def test_mention_names_forms_and_skips() -> None:
    text = (
        'Thanks @Riverbend Reader, and @"Anna B." plus @[Zed Q]!\n'
        "Mail me at someone@example.org. `@InCode`\n"
        "```\n@InFence\n```\n"
        "> @Quoted Person said\n"
    )
    names = markup.mention_names(text)
    assert "Riverbend Reader" in names
    assert "Riverbend" in names
    assert "Anna B." in names
    assert "Zed Q" in names
    assert not any(
        "example" in n or "InCode" in n or "InFence" in n or "Quoted" in n
        for n in names
    )


def test_mention_groups_longest_first_and_capped() -> None:
    assert markup.mention_groups("@Ann Lee x")[0] == ["Ann Lee x", "Ann Lee", "Ann"]
    many = " ".join(f'@"Person {n}"' for n in range(50))
    assert len(markup.mention_groups(many)) == markup.MAX_MENTIONS


# ----------------------------------------------------------------- quotes


@pytest.mark.django_db
def test_quote_markdown_links_to_post_and_drops_nested_quotes() -> None:
    author = UserFactory(display_name="Quoted *Person*")
    post = PostFactory(
        author=author, body="> an older quote\n\nMy own words\nsecond line"
    )
    block = markup.quote_markdown(post=post)
    assert f"(/discussions/p/{post.pk}/)" in block
    assert "an older quote" not in block
    assert "> My own words\n> second line" in block
    assert r"**Quoted \*Person\***" in block
    html = markup.render_markdown(block + "I agree.")
    assert html.startswith("<blockquote>")
    assert f'href="/discussions/p/{post.pk}/"' in html
    assert markup.mention_names(block) == []

"""Render digest e-mails: what members share once per worker, their own values per member.

Most of a digest's cost used to be its two templates, rendered for every member.
Yet most of what they show is shared: a section's items are the same for every
member who follows the same things and may see the same topics, and a digest's
frame (greeting, period, footer) differs between members only by the name, the
unsubscribe links and the sections. So:

- :class:`Lines` makes each item's text and HTML line once per batch;
- ``emails/digest_sections.{txt,html}`` are rendered once per worker process for
  each distinct list of sections (keyed by their content and the language, never by
  member);
- ``emails/digest.{txt,html}`` (the frame) is rendered once per worker process for
  each distinct (language, period as the member's local time, frequency, names of
  the spaces listed, links shared by all), with unguessable placeholders where the
  member's name, unsubscribe links and the sections go; each member's message is
  the frame with the placeholders replaced in one pass (HTML-escaped in the HTML
  part, as the template would have escaped them).

Both caches are bounded (least recently used entries go), and
:func:`digest_bodies_render` renders the same bodies without them (the tests check
that both give the same e-mail). Only display names go into a message: no e-mail
address of anyone, the recipient's included.
"""

from __future__ import annotations

import re
import secrets
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from cop.core.digest import DigestItem, DigestSection

__all__ = [
    "DigestBodies",
    "Lines",
    "RenderedSection",
    "digest_bodies_render",
]

#: Distinct section lists and frames kept per worker process (a few KB each).
SECTIONS_CACHED = 4096
FRAMES_CACHED = 1024

# A placeholder is "<private-use>token:name<private-use>"; the token is new in every
# process, so no title, name or link a member writes can forge one.
_TOKEN = secrets.token_hex(8)
_PLACEHOLDER = re.compile(f"\ue010{_TOKEN}:(\\w+)\ue011")


def _placeholder(name: str) -> str:
    return f"\ue010{_TOKEN}:{name}\ue011"


@dataclass(frozen=True)
class RenderedSection:
    """A section as the digest templates show it: its item lines made once per batch."""

    heading: str
    text: str
    html: str
    more_count: int
    more_url: str


class Lines:
    """Each item's text and HTML line, made once per batch and shared by its members.

    The HTML line is built with ``format_html`` (every value escaped); the plain
    text line goes into the text part only. Rendering the lines here rather than
    in a template loop makes the sections template a short frame.
    """

    def __init__(self) -> None:
        self._made: dict[DigestItem, tuple[str, str]] = {}

    def section(self, section: DigestSection) -> RenderedSection:
        """Return ``section`` with its lines rendered."""
        lines = [self._line(item) for item in section.items]
        return RenderedSection(
            heading=str(section.heading),
            text="".join(text for text, _html in lines),
            html=mark_safe("".join(html for _text, html in lines)),  # noqa: S308 - format_html parts
            more_count=section.more_count,
            more_url=section.more_url,
        )

    def _line(self, item: DigestItem) -> tuple[str, str]:
        made = self._made.get(item)
        if made is None:
            note = str(item.note)
            text = f"\n- {item.title}{f' ({note})' if note else ''}\n  {item.url}\n"
            html = format_html(
                '                        <li><a href="{}">{}</a>{}</li>\n',
                item.url,
                item.title,
                format_html(" <span>({})</span>", note) if note else "",
            )
            made = self._made[item] = (text, html)
        return made


def _sections(template: str, context: dict[str, Any]) -> tuple[str, str]:
    sections = {"sections": context["sections"]}
    return (
        render_to_string(f"emails/{template}_sections.txt", sections),
        render_to_string(f"emails/{template}_sections.html", sections),
    )


def _frames(
    template: str, context: dict[str, Any], text: str, html: str
) -> tuple[str, str]:
    text_context = {**context, "sections_text": text}
    html_context = {**context, "sections_html": mark_safe(html)}  # noqa: S308 - a rendered template
    return (
        render_to_string(f"emails/{template}.txt", text_context),
        render_to_string(f"emails/{template}.html", html_context),
    )


def digest_bodies_render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Return the text and HTML bodies of one digest, rendered in full (no cache)."""
    text, html = _sections(template, context)
    return _frames(template, context, text, html)


class _Lru:
    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, tuple[str, str]] = OrderedDict()

    def get(self, key: Hashable) -> tuple[str, str] | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def put(self, key: Hashable, value: tuple[str, str]) -> None:
        self.entries[key] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)


_SECTIONS = _Lru(SECTIONS_CACHED)
_FRAMES = _Lru(FRAMES_CACHED)


class DigestBodies:
    """``member_email_message``'s renderer for digests: shared parts from the caches.

    Takes the context of :func:`digest_bodies_render` (``sections`` as
    :class:`RenderedSection`, ``digest.spaces`` as ``(name, url)``, the period as
    local datetimes, ``frequency``, ``index_url``, ``language_code``, ``site_url``,
    ``recipient_name``, ``unsubscribe_url``) and returns the same bodies.
    """

    def __call__(self, template: str, context: dict[str, Any]) -> tuple[str, str]:
        """Return the text and HTML bodies of one member's digest."""
        language = translation.get_language()
        sections: list[RenderedSection] = context["sections"]
        key = (template, language, tuple(sections))
        parts = _SECTIONS.get(key)
        if parts is None:
            parts = _sections(template, context)
            _SECTIONS.put(key, parts)
        spaces: list[tuple[str, str]] = context["digest"].spaces
        frame_key = (
            template,
            language,
            context["period_start_local"].isoformat(),
            context["period_end_local"].isoformat(),
            str(context["frequency"]),
            tuple(name for name, _url in spaces),
            context["index_url"],
            context["site_url"],
            context["language_code"],
        )
        frame = _FRAMES.get(frame_key)
        if frame is None:
            shared = {
                key: context[key]
                for key in (
                    "period_start_local",
                    "period_end_local",
                    "frequency",
                    "index_url",
                    "site_url",
                    "language_code",
                )
            }
            shared["recipient_name"] = _placeholder("name")
            shared["unsubscribe_url"] = _placeholder("unsubscribe")
            shared["digest"] = SimpleNamespace(
                spaces=[
                    (name, _placeholder(f"space{index}"))
                    for index, (name, _url) in enumerate(spaces)
                ]
            )
            frame = _frames(
                template, shared, _placeholder("sections"), _placeholder("sections")
            )
            _FRAMES.put(frame_key, frame)
        values = {
            "name": str(context["recipient_name"]),
            "unsubscribe": str(context["unsubscribe_url"]),
            **{f"space{index}": url for index, (_name, url) in enumerate(spaces)},
        }
        text_values = {**values, "sections": parts[0]}
        html_values = {
            **{name: str(conditional_escape(value)) for name, value in values.items()},
            "sections": parts[1],
        }
        return (
            _PLACEHOLDER.sub(lambda match: text_values[match.group(1)], frame[0]),
            _PLACEHOLDER.sub(lambda match: html_values[match.group(1)], frame[1]),
        )

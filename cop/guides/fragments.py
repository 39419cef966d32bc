"""The viewer-independent HTML of the home page and of a guide, cached per version.

Everything a signed-in member and an anonymous reader see alike on these pages (the
moderators' text, featured guides, upcoming events, the sections other apps add, a
guide's header and body) is rendered once per version with
:func:`cop.guides.cache.viewer_independent_html` and reused for every reader; the
rest of the page (the site header, the "Join" buttons only anonymous readers get)
is rendered around it for each request. The fragments are rendered without the
request, so nothing in them can depend on who is reading.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Final

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cop.guides import cache, selectors
from cop.guides.hooks import home_content_versions

if TYPE_CHECKING:
    from cop.guides.models import GuideIndexPage, GuidePage, HomePage

#: A topic filter worth caching: empty (all topics) or shaped like a tag's slug.
_TOPIC = re.compile(r"[-a-z0-9]{0,50}")


def home_body(*, page: HomePage, cached: bool = True) -> SafeString:
    """Return the home page below its title: what every reader sees alike.

    Runs the home page's selectors only when the cached fragment is out of date:
    after a publish anywhere in the tree, a change of another app's section (their
    registered versions), or when the first listed event is over.
    ``cached=False`` (a preview of a draft) renders ``page`` as it is.
    """

    def render() -> tuple[str, dt.datetime | None]:
        events = selectors.event_list_upcoming(limit=selectors.HOME_EVENTS)
        html = render_to_string(
            "guides/includes/home_body.html",
            {
                "page": page,
                "featured_guides": selectors.featured_guides(home=page),
                "home_sections": selectors.home_sections(),
                "upcoming_events": events,
            },
        )
        ends = [event.ends_at for event in events if event.ends_at is not None]
        return html, min(ends) if ends else None

    return cache.viewer_independent_html(
        scopes=[cache.PAGES_SCOPE],
        extra_keys=[key() for _name, key in home_content_versions],
        parts=["home", str(page.pk)],
        render=render,
        cached=cached,
    )


def guide_article(*, page: GuidePage, cached: bool = True) -> SafeString:
    """Return a guide's breadcrumbs and article: what every reader sees alike.

    Out of date after a publish anywhere in the tree (titles in the breadcrumbs,
    the guide itself), a change of the criteria or red flags it cites, of a
    document it offers, or of a reviewer's name. ``cached=False`` (a preview of a
    draft) renders ``page`` as it is.
    """

    def render() -> tuple[str, dt.datetime | None]:
        context = {
            "page": page,
            "reviewer_name": selectors.reviewer_name(page=page),
            "page_tags": list(page.tags.all()),
            **selectors.page_references(stream=page.body),
        }
        return render_to_string("guides/includes/guide_article.html", context), None

    return cache.viewer_independent_html(
        scopes=[cache.PAGES_SCOPE, cache.REFERENCES_SCOPE, cache.REVIEWERS_SCOPE],
        parts=["guide", str(page.pk)],
        render=render,
        cached=cached,
    )


#: Where the guide index's cached body takes the reader's follow menu.
FOLLOW_SLOT: Final = "<!-- follow -->"


def guide_index_body(
    *, page: GuideIndexPage, tag: str, cached: bool = True
) -> SafeString:
    """Return the guide index for the topic ``tag`` ("" for all): the same for everyone.

    Out of date after a publish anywhere in the tree (the guides, their topics and
    review dates, the checklists). Only slug-shaped topics are kept: any other
    text renders uncached rather than adding an entry per typo.
    """

    def render() -> tuple[str, dt.datetime | None]:
        context = {
            "page": page,
            "guides": selectors.guide_list(index=page, tag=tag),
            "tags": selectors.guide_tags(index=page),
            "current_tag": tag,
            "checklists": [] if tag else selectors.checklist_list(index=page),
        }
        return render_to_string("guides/includes/guide_index_body.html", context), None

    return cache.viewer_independent_html(
        scopes=[cache.PAGES_SCOPE],
        parts=["guide-index", str(page.pk), tag],
        render=render,
        cached=cached and _TOPIC.fullmatch(tag) is not None,
    )

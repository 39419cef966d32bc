"""Related discussions on product pages (vendors.hooks.product_related_content)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from vendors.hooks import RelatedContent, RelatedLink
    from vendors.models import Product

#: Topics listed on a product page.
RELATED_TOPICS = 5


#: The follow menu a product or vendor page shows in its "Discussions" group.
FOLLOW_TEMPLATE = "discussions/includes/related_follow.html"


def _follow_extra(viewer: Any, **target: Any) -> dict[str, Any]:
    """Return the follow menu's state for a signed-in ``viewer`` (one query), else {}."""
    from discussions.templatetags.notification_tags import follow_state

    if viewer is None or not viewer.is_authenticated:
        return {}
    return follow_state(viewer, **target) or {}


def _group(links: list[RelatedLink], follow: dict[str, Any]) -> RelatedContent | None:
    from vendors.hooks import RelatedContent

    if not links and not follow:
        return None
    return RelatedContent(
        heading=_("Discussions"),
        links=links,
        template=FOLLOW_TEMPLATE if follow else "",
        extra={"follow": follow} if follow else {},
    )


def _topic_links(topics: list[Any]) -> list[RelatedLink]:
    from vendors.hooks import RelatedLink

    return [
        RelatedLink(
            title=topic.title,
            url=topic.get_absolute_url(),
            meta=_("%(kind)s in %(space)s")
            % {"kind": topic.get_kind_display(), "space": topic.space.name},
        )
        for topic in topics
    ]


def related_topics_for_product(
    *, product: Product, viewer: Any
) -> RelatedContent | None:
    """Return the latest topics about ``product`` that ``viewer`` may see, and its follow menu.

    Uses the same visibility rule as every list: a red flag in its vendor response
    window shows only to its author, moderators and the vendor's representatives.
    Signed-in members also get the product's follow menu.

    The product's recent topics, with their links, are kept in the cache for every
    reader alike (:func:`_product_candidates`); what this ``viewer`` may see of them
    is decided here, per request, by :func:`permissions.can_read_topic`.
    """
    from discussions import permissions

    complete, candidates = _product_candidates(product.pk)
    links = [
        link
        for topic, link, public in candidates
        if public or permissions.can_read_topic(viewer, topic)
    ]
    if len(links) < RELATED_TOPICS and not complete:
        links = _topic_links(_visible_product_topics(product.pk, viewer))
    return _group(links[:RELATED_TOPICS], _follow_extra(viewer, product=product))


def _visible_product_topics(product_id: int, viewer: Any) -> list[Any]:
    """The latest topics about the product that ``viewer`` may see (one query)."""
    from discussions import permissions
    from discussions.models import Topic

    return list(
        Topic.objects.filter(product_id=product_id)
        .filter(permissions.visible_topic_q(viewer))
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:RELATED_TOPICS]
    )


#: Most topics of one product read for the shared candidate list.
CANDIDATE_LIMIT = 40
#: Seconds a candidate list lives at most (bounds a lost version bump).
CANDIDATE_TIMEOUT = 300

Candidates = tuple[bool, tuple[tuple[Any, "RelatedLink", bool], ...]]


def _product_candidates(product_id: int) -> Candidates:
    """Return ``(complete, ((topic, link, public), ...))``: the product's latest topics.

    Every reader's latest visible topics lie among them. Readers may see less than
    moderators but never less than an anonymous reader (``public``: an anonymous
    reader may read the topic, so every reader may), so the list runs, newest
    first, down to the :data:`RELATED_TOPICS`-th topic an anonymous reader sees, or
    to the product's last topic. ``complete`` is false when :data:`CANDIDATE_LIMIT`
    cut it short first: a reader who then sees too few of them is asked the
    database directly.

    The same for every reader, so kept in the cache under the discussions' ``site``
    version (every topic, post and space change replaces it) and the language of
    the links. Read anew when the cache is off or down.
    """
    from cop.core import pagecache
    from discussions.cache import page_cache_enabled, version_key

    if not page_cache_enabled():
        return _read_candidates(product_id)
    return pagecache.cached_value(
        scopes=[],
        extra_keys=[version_key("site")],
        parts=[
            "discussions:product-topic-candidates",
            str(product_id),
            get_language() or "",
        ],
        build=lambda: _read_candidates(product_id),
        timeout=CANDIDATE_TIMEOUT,
    )


def _read_candidates(product_id: int) -> Candidates:
    from django.contrib.auth.models import AnonymousUser

    from discussions import permissions
    from discussions.models import Topic

    rows = list(
        Topic.objects.filter(product_id=product_id, merged_into__isnull=True)
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:CANDIDATE_LIMIT]
    )
    anonymous = AnonymousUser()
    public = [permissions.can_read_topic(anonymous, topic) for topic in rows]
    seen = 0
    for end, shown in enumerate(public, start=1):
        seen += shown
        if seen == RELATED_TOPICS:
            rows = rows[:end]
            break
    complete = seen == RELATED_TOPICS or len(rows) < CANDIDATE_LIMIT
    return complete, tuple(zip(rows, _topic_links(rows), public, strict=False))


def related_topics_for_vendor(*, vendor: Any, viewer: Any) -> RelatedContent | None:
    """Return the latest visible topics about ``vendor``'s products, and its follow menu."""
    from discussions import permissions
    from discussions.models import Topic

    topics = list(
        Topic.objects.filter(product__organisation_id=vendor.pk)
        .filter(permissions.visible_topic_q(viewer))
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:RELATED_TOPICS]
    )
    return _group(_topic_links(topics), _follow_extra(viewer, vendor=vendor))


def related_topics_version_key() -> str:
    """Return the cache key of the version of what anonymous readers see of topics.

    Every change to a topic or post bumps the discussions' ``site`` scope.
    """
    from discussions.cache import version_key

    return version_key("site")


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
    from cop.guides.hooks import home_content_versions, home_sections
    from vendors.hooks import (
        product_content_versions,
        product_related_content,
        vendor_related_content,
    )

    home_sections.register("discussions", latest_public_topics)
    home_content_versions.register("discussions", related_topics_version_key)
    product_related_content.register("discussions", related_topics_for_product)
    product_content_versions.register("discussions", related_topics_version_key)
    vendor_related_content.register("discussions", related_topics_for_vendor)


#: Topics listed on the home page.
HOME_TOPICS = 6


def latest_public_topics() -> Any:
    """Return the home page's "Latest discussions": what an anonymous reader may see.

    The home page is the same for every reader (and cached), so it lists only topics
    visible without signing in. One query.
    """
    from django.contrib.auth.models import AnonymousUser

    from cop.guides.hooks import HomeLink, HomeSection
    from discussions import permissions
    from discussions.models import Topic

    topics = list(
        Topic.objects.filter(permissions.visible_topic_q(AnonymousUser()))
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:HOME_TOPICS]
    )
    links = [
        HomeLink(title=link.title, url=link.url, meta=link.meta)
        for link in _topic_links(topics)
    ]
    return HomeSection(
        heading=_("Latest discussions"),
        links=links,
        more_url="/discussions/",
        more_label=_("All discussions"),
    )

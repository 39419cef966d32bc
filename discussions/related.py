"""Related discussions on product pages (vendors.hooks.product_related_content)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from vendors.hooks import RelatedContent, RelatedLink
    from vendors.models import Product

#: Topics listed on a product page.
RELATED_TOPICS = 5


def _follow_link(*, target_type: str, target_id: int, viewer: Any) -> list[RelatedLink]:
    from django.urls import reverse

    from vendors.hooks import RelatedLink

    if viewer is None or not viewer.is_authenticated:
        return []
    url = reverse(
        "discussions:follow",
        kwargs={"target_type": target_type, "target_id": target_id},
    )
    return [RelatedLink(title=_("Follow: notifications and digests"), url=url)]


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
    """Return the latest topics about ``product`` that ``viewer`` may see (one query).

    Uses the same visibility rule as every list: a red flag in its vendor response
    window shows only to its author, moderators and the vendor's representatives.
    Signed-in members also get a link to follow the product.
    """
    from discussions import permissions
    from discussions.models import Topic
    from vendors.hooks import RelatedContent

    topics = list(
        Topic.objects.filter(product_id=product.pk)
        .filter(permissions.visible_topic_q(viewer))
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:RELATED_TOPICS]
    )
    links = _topic_links(topics) + _follow_link(
        target_type="product", target_id=product.pk, viewer=viewer
    )
    if not links:
        return None
    return RelatedContent(heading=_("Discussions"), links=links)


def related_topics_for_vendor(*, vendor: Any, viewer: Any) -> RelatedContent | None:
    """Return the latest visible topics about any of ``vendor``'s products (one query)."""
    from discussions import permissions
    from discussions.models import Topic
    from vendors.hooks import RelatedContent

    topics = list(
        Topic.objects.filter(product__organisation_id=vendor.pk)
        .filter(permissions.visible_topic_q(viewer))
        .select_related("space")
        .order_by("-last_activity_at", "-id")[:RELATED_TOPICS]
    )
    links = _topic_links(topics) + _follow_link(
        target_type="vendor", target_id=vendor.pk, viewer=viewer
    )
    if not links:
        return None
    return RelatedContent(heading=_("Discussions"), links=links)


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

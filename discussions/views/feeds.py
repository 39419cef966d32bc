"""Views: Atom and RSS feeds of new topics, site-wide and per public space.

Feeds are public documents fetched by feed readers without a session, so they show
exactly what an anonymous visitor sees (public spaces; approved, not hidden, not
merged, not embargoed topics), whoever requests them, signed-in moderators
included. A space that is not public has no feed (404). Items carry the opening
post's sanitised HTML and the author's public name, never an e-mail address.

Link them from a page's ``<head>`` with ``discussions/includes/feed_links.html``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import nh3
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.translation import gettext as _

from discussions import permissions
from discussions.models import Post, Space, Topic, Visibility

__all__ = ["public_topics_for_feed", "urlpatterns"]

#: Items per feed (the newest topics).
FEED_ITEMS = 30


def public_topics_for_feed(*, space: Space | None = None) -> QuerySet[Topic]:
    """Return the newest topics an anonymous visitor may read, with their opening post."""
    anonymous = AnonymousUser()
    opening = Post.objects.filter(number=1).filter(
        permissions.visible_post_q(anonymous)
    )
    topics = Topic.objects.filter(permissions.visible_topic_q(anonymous))
    if space is not None:
        topics = topics.filter(space=space)
    return (
        topics.select_related("space", "author")
        .prefetch_related(Prefetch("posts", queryset=opening, to_attr="feed_opening"))
        .order_by("-created_at", "-id")[:FEED_ITEMS]
    )


class _TopicFeed(Feed[Any, Any]):
    """New topics (RSS 2.0); :class:`_AtomMixin` turns a subclass into Atom."""

    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def items(self, obj: Any) -> QuerySet[Topic]:
        return public_topics_for_feed(space=obj)

    def item_title(self, item: Topic) -> str:
        return item.title

    def item_link(self, item: Topic) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Topic) -> str:
        return item.get_absolute_url()

    def item_description(self, item: Topic) -> str:
        opening = getattr(item, "feed_opening", None)
        if not opening:
            return ""
        # body_html was sanitised when it was written; cleaning again costs little
        # and keeps the feed safe even if a row was written some other way.
        return nh3.clean(opening[0].body_html or "")

    def item_author_name(self, item: Topic) -> str:
        if item.author is None:
            return _("Former member")
        return str(item.author.public_name)

    def item_author_email(self, item: Topic) -> None:
        return None  # never an e-mail address

    def item_pubdate(self, item: Topic) -> datetime:
        return item.released_at or item.created_at

    def item_updateddate(self, item: Topic) -> datetime:
        return item.last_activity_at

    def item_categories(self, item: Topic) -> list[str]:
        return [item.space.name]


class SiteFeed(_TopicFeed):
    """New topics in every public space."""

    def title(self, obj: Any) -> str:
        return _("%(site)s discussions: new topics") % {
            "site": settings.WAGTAIL_SITE_NAME
        }

    def link(self, obj: Any) -> str:
        return reverse("discussions:index")

    def description(self, obj: Any) -> str:
        return _("New topics in the public discussion spaces.")


class SpaceFeed(_TopicFeed):
    """New topics in one public space (404 for any other space)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Space:
        space = Space.objects.filter(
            slug=kwargs.get("slug", ""), visibility=Visibility.PUBLIC
        ).first()
        if space is None:
            raise Http404
        return space

    def title(self, obj: Space) -> str:
        return _("%(space)s: new topics") % {"space": obj.name}

    def link(self, obj: Space) -> str:
        return obj.get_absolute_url()

    def description(self, obj: Space) -> str:
        return obj.description or _("New topics in %(space)s.") % {"space": obj.name}


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)


class SpaceAtomFeed(SpaceFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj: Space) -> str:
        return self.description(obj)


urlpatterns = [
    path("feeds/atom/", SiteAtomFeed(), name="feed_site_atom"),
    path("feeds/rss/", SiteFeed(), name="feed_site_rss"),
    path("s/<slug:slug>/feeds/atom/", SpaceAtomFeed(), name="feed_space_atom"),
    path("s/<slug:slug>/feeds/rss/", SpaceFeed(), name="feed_space_rss"),
]

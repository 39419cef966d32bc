"""Extension points of the home page, so that ``cop.guides`` never imports domain apps.

``discussions`` shows the latest public discussions on the home page by registering a
provider and the cache key of the version token that changes with them, in its
``AppConfig.ready()``::

    from cop.guides.hooks import home_content_versions, home_sections

    home_sections.register("discussions", latest_public_topics)
    home_content_versions.register("discussions", topics_version_key)

A provider takes no viewer: the home page's content is the same for everyone (it is
what an anonymous reader may see) and is cached under the registered version keys. It
must run a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cop.core.registry import Registry


@dataclass(frozen=True)
class HomeLink:
    """One entry of a home page section."""

    title: str
    url: str
    meta: str = ""


@dataclass(frozen=True)
class HomeSection:
    """A titled list of links on the home page (latest discussions, changes...)."""

    heading: str
    links: Sequence[HomeLink] = field(default_factory=tuple)
    more_url: str = ""
    more_label: str = ""


#: Providers ``() -> HomeSection | None``, shown in registration order.
home_sections: Registry[Any] = Registry("home_sections")

#: For each provider, ``() -> str``: the cache key of a version token that the
#: provider replaces whenever what it shows may change.
home_content_versions: Registry[Any] = Registry("home_content_versions")


@dataclass(frozen=True)
class ReviewDue:
    """A guide whose review period ran out on ``due_on`` (IDs and dates only)."""

    guide_id: int
    due_on: Any


#: Notifiers ``(*, due: Sequence[ReviewDue], user_ids: Sequence[int]) -> int`` that
#: tell the moderators ``user_ids`` in the app which guides are due for review.
#: Called once per guide and review period, inside the transaction that records it
#: (``discussions`` registers one that writes on-site notifications).
review_due_notifiers: Registry[Any] = Registry("review_due_notifiers")

"""The digest e-mail's sections from other apps: a registry they fill in ``ready()``.

The digest itself is built by ``discussions`` (it knows who follows what). Parts that
belong to other apps (vendors' disclosure and roadmap changes; later guides and
events) register a :data:`SectionBuilder` here, so that neither this module nor the
digest builder's callers import those apps (STYLE "Dependency direction").

A builder is called once per *batch* of members (a digest worker builds ~100
digests at a time from data fetched once), with keyword arguments only::

    builder(requests=[DigestRequest(viewer=user, period_start=dt, period_end=dt,
                                    follows=DigestFollows(...)), ...],
            limit=20) -> Mapping[user_id, DigestSection | None]

and returns, for each request's ``viewer.pk``, a section (or ``None`` / a section
without items, or no key at all, when it has nothing for that member). It must
only return what each viewer may see now, skip anything muted in that member's
``follows``, only include items of that member's own period, run a fixed number of
queries per batch whatever the number of members and items (fetch the union once,
filter per member in Python), and put no personal data in items (display names
only, no e-mail addresses).

Sections with equal content (heading, items, total, link) are rendered once per
digest worker and shared by every member who gets them
(``discussions.services.digests.rendering``): items must be hashable (the
:class:`DigestItem` dataclass is frozen), and a builder gains from returning the
same items, in the same order, to members who may see the same things.

Registered now: ``vendors`` (disclosure changes, roadmap status changes).
Not registered yet: guides and events (the apps do not exist); they will call
``digest_sections.register("guides", build_guides_section, order=300)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cop.core.registry import Registry

__all__ = [
    "DigestFollows",
    "DigestItem",
    "DigestRequest",
    "DigestSection",
    "SectionBuilder",
    "digest_sections",
]


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest: a title, an absolute link and a short plain-text note."""

    title: str
    url: str
    note: str = ""
    when: datetime | None = None


@dataclass
class DigestSection:
    """A titled group of items; ``total`` counts items before the cap."""

    key: str
    heading: str
    items: list[DigestItem] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more_count(self) -> int:
        """Return how many items were left out by the cap."""
        return max(self.total - len(self.items), 0)


@dataclass(frozen=True)
class DigestFollows:
    """What one member follows (watching or normal) and mutes, as IDs."""

    space_ids: frozenset[int] = frozenset()
    topic_ids: frozenset[int] = frozenset()
    tag_ids: frozenset[int] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    product_ids: frozenset[int] = frozenset()
    muted_space_ids: frozenset[int] = frozenset()
    muted_topic_ids: frozenset[int] = frozenset()
    muted_tag_ids: frozenset[int] = frozenset()
    muted_organisation_ids: frozenset[int] = frozenset()
    muted_product_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class DigestRequest:
    """One member's digest to build: who, which period, what they follow."""

    viewer: Any
    period_start: datetime
    period_end: datetime
    follows: DigestFollows


SectionBuilder = Callable[..., Mapping[int, DigestSection | None]]

#: Section builders of other apps, in display order (discussions' own come first).
digest_sections: Registry[SectionBuilder] = Registry("digest_sections")

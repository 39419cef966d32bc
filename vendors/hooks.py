"""Extension points that other apps fill in, so that ``vendors`` never imports them.

``discussions`` may import ``vendors`` but not the other way round. To show related
discussions on a product page, ``discussions`` registers a provider in its
``AppConfig.ready()``::

    from vendors.hooks import product_related_content

    product_related_content.register("discussions", related_topics_for_product)

A provider is called with the product and the viewer and returns a
:class:`RelatedContent` (or ``None`` when it has nothing to show). It must run a
constant number of queries and show only what the viewer may see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from cop.core.registry import Registry

if TYPE_CHECKING:
    from vendors.models import Product


@dataclass(frozen=True)
class RelatedLink:
    """One link to related content (a topic, a guide)."""

    title: str
    url: str
    meta: str = ""


@dataclass(frozen=True)
class RelatedContent:
    """A titled group of links rendered in the product page's "Related" section."""

    heading: str
    links: Sequence[RelatedLink] = field(default_factory=tuple)
    more_url: str = ""
    #: A template the group renders after its links (e.g. a control of the
    #: providing app), given ``extra`` = :attr:`extra` and the page's request.
    template: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


class RelatedContentProvider(Protocol):
    """Returns the related content of one product for one viewer, or ``None``."""

    def __call__(self, *, product: Product, viewer: Any) -> RelatedContent | None: ...


product_related_content: Registry[Any] = Registry("product_related_content")

#: The same for vendor pages: providers take ``vendor`` (an Organisation) and ``viewer``.
vendor_related_content: Registry[Any] = Registry("vendor_related_content")

#: For each provider of ``product_related_content``: a function ``() -> str`` returning
#: the key, in the default cache, of a version token that the provider replaces
#: whenever what it shows an anonymous reader on any product page may change.
#: Product pages are cached for anonymous readers under these tokens
#: (``vendors.cache``, read in the same round trip as its own); a provider that
#: registers none would be stale.
product_content_versions: Registry[Any] = Registry("product_content_versions")


def related_content_for(*, product: Product, viewer: Any) -> list[RelatedContent]:
    """Return every registered provider's non-empty content for ``product``."""
    groups = []
    for _key, provider in product_related_content:
        content = provider(product=product, viewer=viewer)
        if content is not None and (content.links or content.template):
            groups.append(content)
    return groups


def vendor_related_content_for(*, vendor: Any, viewer: Any) -> list[RelatedContent]:
    """Return every registered provider's non-empty content for vendor page ``vendor``."""
    groups = []
    for _key, provider in vendor_related_content:
        content = provider(vendor=vendor, viewer=viewer)
        if content is not None and (content.links or content.template):
            groups.append(content)
    return groups


# ----------------------------------------------------------------- community signals


@dataclass(frozen=True)
class CountRow:
    """One fixed cell of a community count (a ``cop.privacy.aggregates.Cell``)."""

    code: str
    label: str
    count: Any


@dataclass(frozen=True)
class ResponseFigures:
    """How fast a vendor answered one kind of item in one quarter.

    ``items`` is a :class:`~cop.privacy.aggregates.Cell` of the items of that kind
    asked in the quarter; when it is suppressed (fewer than k), ``median_days`` and
    ``within_window_percent`` are ``None`` ("not enough items"). ``median_days`` is
    ``None`` too when most items got no official response.
    """

    items: Any
    median_days: float | None = None
    within_window_percent: int | None = None


@dataclass(frozen=True)
class QuarterResponsiveness:
    """How fast a vendor answered in one quarter, red flags and licensing questions apart.

    Each kind is its own fixed cell, shown or suppressed on its own; no combined
    total is published, so no suppressed cell can be recovered by subtraction.
    """

    quarter: str
    red_flags: ResponseFigures
    licensing: ResponseFigures


#: Providers ``(*, product) -> list[CountRow]``: red flags about ``product`` per red
#: flag type, shown cells only (``discussions`` registers one).
product_red_flag_counts: Registry[Any] = Registry("product_red_flag_counts")

#: Providers ``(*, vendor, quarters: list[str]) -> list[QuarterResponsiveness]``.
vendor_responsiveness: Registry[Any] = Registry("vendor_responsiveness")


def red_flag_counts_for(*, product: Product) -> list[CountRow]:
    """Return every provider's shown red-flag cells of ``product``."""
    rows: list[CountRow] = []
    for _key, provider in product_red_flag_counts:
        rows.extend(provider(product=product))
    return rows


def responsiveness_for(
    *, vendor: Any, quarters: list[str]
) -> list[QuarterResponsiveness]:
    """Return the first provider's responsiveness of ``vendor`` (empty without one)."""
    for _key, provider in vendor_responsiveness:
        result: list[QuarterResponsiveness] = provider(vendor=vendor, quarters=quarters)
        return result
    return []

"""Extension point of the criterion pages: other apps link content about a criterion.

``cop.guides`` registers the guides that refer to a criterion, in its
``AppConfig.ready()``::

    from cop.privacy.hooks import criterion_links

    criterion_links.register("guides", guides_for_criterion)

A provider takes the criterion's code and returns ``(title, url)`` pairs of public
content, running a constant number of queries.
"""

from __future__ import annotations

from typing import Any

from cop.core.registry import Registry

#: Providers ``(*, code: str) -> list[tuple[str, str]]``.
criterion_links: Registry[Any] = Registry("criterion_links")


def links_for_criterion(*, code: str) -> list[tuple[str, str]]:
    """Return every provider's links for the criterion ``code``."""
    links: list[tuple[str, str]] = []
    for _key, provider in criterion_links:
        links.extend(provider(code=code))
    return links

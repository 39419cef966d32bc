"""The account page's sections that other apps contribute (``/members/me/``).

``cop.members`` never imports ``vendors`` or ``discussions``. An app adds a section
to the account page in its ``AppConfig.ready()``::

    from cop.members.hub import AccountSection, account_sections

    account_sections.register("discussions", discussions_section, order=30)

A provider takes the signed-in member and returns an :class:`AccountSection` (or
None to show nothing), running a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cop.core.registry import Registry


@dataclass(frozen=True)
class AccountSection:
    """One section of the account page: a template and what it shows."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


#: Providers of the account page's sections, by order.
account_sections: Registry[Callable[[Any], AccountSection | None]] = Registry(
    "account sections"
)


def account_sections_for(user: Any) -> list[AccountSection]:
    """Return the sections the registered apps show ``user``, in order."""
    sections = []
    for _key, provider in account_sections:
        section = provider(user)
        if section is not None:
            sections.append(section)
    return sections

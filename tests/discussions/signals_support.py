"""Red flags from distinct libraries, released by a moderator (community signal tests)."""

from __future__ import annotations

from typing import Any

from discussions import services
from tests.vendors.priorities_support import libraries


def released_red_flags(
    count: int, *, space: Any, product: Any, moderator: Any, red_flag: Any, prefix: str
) -> list[Any]:
    """Return ``count`` red-flag topics about ``product``, one per new library, released."""
    topics = []
    for org, worker in libraries(count, prefix):
        topic = services.topic_create(
            actor=worker,
            space=space,
            kind="red_flag",
            title=f"Flag from {org.name}",
            body="The contract keeps loan history without limit.",
            product=product,
            red_flag=red_flag,
            clause_reference="4.2",
        )
        services.red_flag_release(topic=topic, actor=moderator, reason="Checked")
        topics.append(topic)
    return topics

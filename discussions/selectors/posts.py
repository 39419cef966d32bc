"""Post lists (paginated), edit history and the URL of a post on its page.

Owner while the discussions are built: H1b.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from discussions.models import Post

__all__ = ["post_url"]


def post_url(*, post: Post) -> str:
    """Return the URL of ``post``: its topic's page that holds it, with an anchor."""
    return f"{post.topic.get_absolute_url()}#post-{post.number}"

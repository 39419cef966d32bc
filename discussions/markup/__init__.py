"""Member Markdown: validation, safe rendering, mentions and quotes.

Member text is never trusted. It is parsed by markdown-it-py with raw HTML off,
checked against fixed limits (length, links, table cells, nesting), turned into
HTML with our own rules (demoted headings, images shown as links, local link
"previews") and cleaned by nh3 with a short allow-list. Nothing here fetches
anything remote: a bare link to one of cop's own topic, product, criterion or
red-flag pages shows its title from the database (a fixed number of queries per
post, whatever the number of links); any other bare link shows only its host.
"""

from discussions.models import BODY_MAX_LENGTH

from .mentions import MAX_MENTIONS, mention_groups, mention_names
from .parsing import LINK_REL, MAX_LINKS, MAX_NESTING, MAX_TABLE_CELLS
from .quotes import quote_markdown
from .rendering import render_markdown
from .validation import validate_body, validate_plain_line

__all__ = [
    "BODY_MAX_LENGTH",
    "LINK_REL",
    "MAX_LINKS",
    "MAX_MENTIONS",
    "MAX_NESTING",
    "MAX_TABLE_CELLS",
    "mention_groups",
    "mention_names",
    "quote_markdown",
    "render_markdown",
    "validate_body",
    "validate_plain_line",
]

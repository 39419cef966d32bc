"""Discussion selectors: every read a user can trigger, with visibility applied.

Each module defines ``__all__``; callers import from ``discussions.selectors``.
"""

from .composing import *  # noqa: F403
from .latest import *  # noqa: F403
from .moderation import *  # noqa: F403
from .notifications import *  # noqa: F403
from .posts import *  # noqa: F403
from .reading import *  # noqa: F403
from .redflags import *  # noqa: F403
from .search import *  # noqa: F403
from .topics import *  # noqa: F403

"""Discussion services: every state change, one import point (``discussions.services``).

Each module defines ``__all__``; callers import from ``discussions.services``.
"""

from .digests import *  # noqa: F403
from .mailing import *  # noqa: F403
from .moderation import *  # noqa: F403
from .notifications import *  # noqa: F403
from .posting import *  # noqa: F403
from .reading import *  # noqa: F403
from .redflags import *  # noqa: F403
from .subscriptions import *  # noqa: F403

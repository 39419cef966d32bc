"""Celery tasks of the discussions; autodiscovery imports this package."""

from .digests import *  # noqa: F403
from .notifications import *  # noqa: F403
from .redflags import *  # noqa: F403

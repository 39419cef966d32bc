"""Handing a sweeper's rows to the broker, one task per row, until the broker fails."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)


def enqueue_until_broker_fails(task: Any, ids: Iterable[int], *, sweep: str) -> int:
    """Enqueue ``task`` for each ID; stop at the first failure; return how many went.

    A failure means the broker is down: the rows stay as they are and the next run of
    the sweeper (``sweep`` names it in the log) tries again.
    """
    enqueued = 0
    for pk in ids:
        try:
            task.delay(pk)
        # Any enqueue failure (kombu OperationalError, redis errors, OSError).
        except Exception:
            logger.warning("%s stopped: broker unavailable", sweep, exc_info=True)
            break
        enqueued += 1
    return enqueued

"""The Celery app: configured from Django settings (``CELERY_*``), tasks autodiscovered.

The one beat schedule lives in ``settings.CELERY_BEAT_SCHEDULE``. A worker or beat
started with a wrong environment (``DATABASE_URL=nonsense``) stops with one sentence
on stderr instead of a traceback: settings are read lazily deep inside Celery's
command line, so the report is made by the process-wide exception hook.
"""

from __future__ import annotations

import os
import sys
from types import TracebackType

from celery import Celery

from cop.settings.config import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")

_previous_excepthook = sys.excepthook


def _report_configuration_error(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
) -> None:
    """Print a :class:`ConfigurationError` as one line; leave other errors alone."""
    if issubclass(exc_type, ConfigurationError):
        sys.stderr.write(f"cop: configuration error: {exc}\n")
        return
    _previous_excepthook(exc_type, exc, tb)


sys.excepthook = _report_configuration_error

app = Celery("cop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""WSGI entry point (gunicorn ``cop.wsgi``)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from cop.settings.config import ConfigurationError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")

try:
    application = get_wsgi_application()
except ConfigurationError as exc:
    sys.stderr.write(f"cop: configuration error: {exc}\n")
    # 4 is gunicorn's "application failed to load": the master stops instead of
    # restarting the worker in a loop.
    sys.exit(4)

"""WSGI application of the bare baseline (:mod:`tests.bench.bare_settings`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.bare_settings"

application = get_wsgi_application()

"""ASGI entry point, for servers that prefer it; cop itself needs nothing asynchronous."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")

application = get_asgi_application()

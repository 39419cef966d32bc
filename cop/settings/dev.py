"""Local development and ``make run``: production behaviour, data on this machine.

DEBUG stays off unless ``COP_DEBUG=1``, so pages, errors and headers (CSP on every
response, 404s included) are what production sends. Static files are served by
WhiteNoise straight from the source tree (no ``collectstatic``), uploaded images by
``cop.core.views.media``.
"""

from cop.settings.base import *

WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
COP_SERVE_MEDIA = True

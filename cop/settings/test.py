"""Test settings: fast hashing, in-memory mail and cache, eager Celery for unit tests.

Integration tests (``-m integration``) swap in the real PostgreSQL, Redis and a real
Celery worker through fixtures; ``DATABASE_URL`` picks the database for the whole run.
"""

import os
import tempfile

# Runtime files of the test run (cache, broker folders) never land in the checkout.
os.environ.setdefault(
    "COP_VAR_DIR", os.path.join(tempfile.gettempdir(), "cop-test-var")
)

from cop.settings.base import *

SECRET_KEY = "test-secret-key-not-for-anything-else"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
COP_ENVIRONMENT = "test"
WHITENOISE_AUTOREFRESH = True  # no collected static folder in tests

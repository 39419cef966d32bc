"""Settings of the benchmark server (``python -m tests.bench``): production-like.

DEBUG is off and every middleware of the real site runs. Differences from
``cop.settings.prod``, and why: plain HTTP on 127.0.0.1 (no TLS redirect, no secure
cookies), static files not collected (the pages are measured, not the assets), and
the URL configuration :mod:`tests.bench.urls`, which adds the bare baseline view that
production never serves.
"""

from cop.settings.base import *  # noqa: F403 - an overlay, like cop/settings/*
from cop.settings.base import STORAGES

DEBUG = False
COP_ENVIRONMENT = "benchmark"
ROOT_URLCONF = "tests.bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

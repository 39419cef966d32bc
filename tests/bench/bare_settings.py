"""A bare Django project: the baseline every page of ``python -m tests.bench`` is measured against.

Django's default middleware (as ``startproject`` writes it), one view answering
"hello world", no database, no templates, DEBUG off. Served by the same gunicorn
configuration as cop (``cop/gunicorn.conf.py``, 2 sync workers) through
:mod:`tests.bench.bare_wsgi`; nothing of cop is imported.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bare-baseline-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = __name__
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
DATABASES: dict[str, dict[str, str]] = {}
TEMPLATES: list[dict[str, object]] = []
USE_TZ = True
LOGGING_CONFIG = None


def hello(request: HttpRequest) -> HttpResponse:
    """Answer "hello world": Django's request cycle and nothing else."""
    return HttpResponse("hello world", content_type="text/plain")


urlpatterns = [path("", hello), path("hello/", hello)]

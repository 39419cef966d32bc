"""The Celery app: configured from Django settings (``CELERY_*``), tasks autodiscovered.

The one beat schedule lives in ``settings.CELERY_BEAT_SCHEDULE``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cop.settings.dev")

app = Celery("cop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

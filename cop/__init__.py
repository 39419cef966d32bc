"""cop: the web platform of the vendor privacy community of practice."""

from cop.celery import app as celery_app

__all__ = ["celery_app"]

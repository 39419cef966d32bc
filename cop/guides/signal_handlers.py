"""Keep the cached home page fresh: any change to the published tree bumps its version."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cop.guides.cache import pages_changed


def _changed(sender: Any, **kwargs: Any) -> None:
    pages_changed()


def register() -> None:
    """Connect the handlers (called from ``AppConfig.ready``)."""
    page_published.connect(_changed, dispatch_uid="guides-page-published")
    page_unpublished.connect(_changed, dispatch_uid="guides-page-unpublished")
    post_page_move.connect(_changed, dispatch_uid="guides-page-moved")
    post_delete.connect(_changed, sender=Page, dispatch_uid="guides-page-deleted")

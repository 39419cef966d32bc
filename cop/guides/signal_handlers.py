"""Keep the cached home page and guides fresh (see :mod:`cop.guides.cache`).

Any change to the published tree, to a document a guide offers or to a page's view
restriction replaces the pages' version; a change of the criteria or red flags
guides cite replaces the references' version; a change of a member's row (their
display name, an erasure) replaces the reviewers' version. All after commit.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cop.guides.cache import pages_changed, references_changed, reviewers_changed

#: Saves of a member's row that cannot change the name a guide shows.
_NAMELESS_SAVES = frozenset({"last_login"})


def _changed(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        pages_changed()


def _references_changed(sender: Any, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        references_changed()


def _member_changed(sender: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields and set(fields) <= _NAMELESS_SAVES):
        return
    reviewers_changed()


def register() -> None:
    """Connect the handlers (called from ``AppConfig.ready``)."""
    from cop.privacy.models import Criterion, RedFlag
    from cop.privacy.signals import reference_data_changed

    page_published.connect(_changed, dispatch_uid="guides-page-published")
    page_unpublished.connect(_changed, dispatch_uid="guides-page-unpublished")
    post_page_move.connect(_changed, dispatch_uid="guides-page-moved")
    post_delete.connect(_changed, sender=Page, dispatch_uid="guides-page-deleted")
    reference_data_changed.connect(
        _references_changed, dispatch_uid="guides-references-loaded"
    )
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        for model in (get_document_model(), PageViewRestriction):
            signal.connect(
                _changed, sender=model, dispatch_uid=f"guides-{model.__name__}-{name}"
            )
        for model in (Criterion, RedFlag):
            signal.connect(
                _references_changed,
                sender=model,
                dispatch_uid=f"guides-{model.__name__}-{name}",
            )
        signal.connect(
            _member_changed,
            sender=get_user_model(),
            dispatch_uid=f"guides-member-{name}",
        )

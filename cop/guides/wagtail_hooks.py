"""The moderators' dashboard panel "Guides due for review" and its action."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.components import Component

from cop.guides import permissions, selectors, views


class GuidesDueForReviewPanel(Component):
    """Guides not reviewed for ``COP_GUIDES_REVIEW_MONTHS``, with a "reviewed" button."""

    name = "guides_due_for_review"
    order = 80
    template_name = "guides/admin/review_due_panel.html"

    def __init__(self, guides: list[Any], months: int) -> None:
        self.guides = guides
        self.months = months

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        context: dict[str, Any] = {"guides": self.guides, "months": self.months}
        if parent_context is not None:
            context["csrf_token"] = parent_context.get("csrf_token")
            context["request"] = parent_context.get("request")
        return context


def review_months() -> int:
    return int(getattr(settings, "COP_GUIDES_REVIEW_MONTHS", 12))


@hooks.register("construct_homepage_panels")
def add_guides_due_panel(request: Any, panels: list[Any]) -> None:
    if not permissions.can_review_guides(request.user):
        return
    months = review_months()
    guides = selectors.guides_due_for_review(months=months)
    if guides:
        panels.append(GuidesDueForReviewPanel(guides, months))


@hooks.register("register_admin_urls")
def guides_admin_urls() -> list[Any]:
    return [
        path(
            "guides/<int:page_id>/reviewed/",
            views.guide_mark_reviewed,
            name="guides_mark_reviewed",
        )
    ]

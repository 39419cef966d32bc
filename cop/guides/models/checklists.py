"""Checklist pages: a framework from the reference data, to assess item by item.

The items come from :class:`cop.privacy.models.FrameworkItem` (the ALA checklists by
priority 1 to 3, the NISO principles), so the page cannot drift from the reference data.
A reader's self-assessment stays in their browser (``static/js/checklist.js``); the
server never receives it. Without JavaScript the page is a printable list.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


def framework_choices() -> list[tuple[str, str]]:
    """Return ``(code, "code · title")`` for every current framework."""
    from cop.privacy.models import Framework

    rows = Framework.objects.current().order_by("order", "code")
    return [
        (code, f"{code} · {title}") for code, title in rows.values_list("code", "title")
    ]


def _framework_select_choices() -> list[tuple[str, str]]:
    return [("", "---------"), *framework_choices()]


class ChecklistPage(Page):
    """A framework's items by priority, with a self-assessment kept in the browser."""

    intro = models.CharField(
        max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    framework_code = models.CharField(
        _("framework"),
        max_length=32,
        help_text=_("The checklist from the reference data that this page presents."),
    )
    body = RichTextField(
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        help_text=_("How to use the checklist; shown above the items."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel(
            "framework_code",
            # Callable choices: read when the form is built, so they stay current.
            widget=forms.Select(choices=_framework_select_choices),  # type: ignore[arg-type]
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("checklist")

    def clean(self) -> None:
        super().clean()
        current = {code for code, _label in framework_choices()}
        if self.framework_code and self.framework_code not in current:
            raise ValidationError(
                {
                    "framework_code": _(
                        "%(code)s is no longer a current framework in the reference "
                        "data; choose another."
                    )
                    % {"code": self.framework_code}
                }
            )

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["checklist"] = selectors.checklist_get(code=self.framework_code)
        return context

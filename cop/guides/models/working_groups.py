"""Working groups: their charter, how to join, and their members.

Membership is a plain model, not part of the page's revisions: moderators add and
remove members (admin "Working group members"), and each member decides whether
their display name is shown on the group's page (``listed``); everyone else counts
in the number of members only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cop.db import TimeStampedModel

_RICH = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class WorkingGroupStatus(models.TextChoices):
    FORMING = "forming", _("Forming")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class WorkingGroupIndexPage(Page):
    """The list of working groups."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["guides.HomePage"]
    subpage_types = ["guides.WorkingGroupPage"]
    max_count = 1

    class Meta:
        verbose_name = _("working group index")

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["groups"] = selectors.working_group_list(index=self)
        return context


class WorkingGroupPage(RoutablePageMixin, Page):
    """A working group: charter, status, how to join, members, discussion space."""

    intro = models.CharField(
        max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    status = models.CharField(
        max_length=16,
        choices=WorkingGroupStatus.choices,
        default=WorkingGroupStatus.ACTIVE,
    )
    charter = RichTextField(features=_RICH)
    how_to_join = RichTextField(blank=True, features=_RICH)
    discussion_path = models.CharField(
        _("discussion space"),
        max_length=200,
        blank=True,
        help_text=_(
            "The address on this site of the group's discussion space, "
            "e.g. /discussions/spaces/working-group/."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("status"),
        FieldPanel("charter"),
        FieldPanel("how_to_join"),
        FieldPanel("discussion_path"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("charter"),
    ]

    parent_page_types = ["guides.WorkingGroupIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("working group")

    def clean(self) -> None:
        super().clean()
        path = self.discussion_path
        if path and (not path.startswith("/") or path.startswith("//")):
            raise ValidationError(
                {
                    "discussion_path": _(
                        "Give an address on this site, starting with a single “/”."
                    )
                }
            )

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["roster"] = selectors.working_group_roster(group=self)
        context["own_membership"] = selectors.working_group_membership_of(
            group=self, user=request.user
        )
        return context

    @path("")
    def group_detail(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.render(request)
        return response

    @path("listing/", name="listing")
    def listing(self, request: HttpRequest) -> HttpResponse:
        from cop.guides.views import working_group_listing

        return working_group_listing(request, group=self)


class WorkingGroupMembership(TimeStampedModel):
    """A member of a working group, and whether they chose to be listed by name."""

    group = models.ForeignKey(
        WorkingGroupPage, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="working_group_memberships",
    )
    listed = models.BooleanField(
        _("listed by name"),
        default=False,
        help_text=_("The member's own choice; off until they turn it on."),
    )

    class Meta:
        verbose_name = _("working group member")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="uniq_working_group_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"

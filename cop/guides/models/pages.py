"""The home page, guides and standard pages.

Moderators edit the tree and submit changes to the "Moderator review" workflow, in
which another moderator approves (:class:`PeerReviewTask`); see the data migration
``0004_moderator_permissions_and_workflow``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page
from wagtail.search import index

from cop.guides.blocks import GuideStreamBlock, StandardStreamBlock


class UnrestrictedWhileNoneExist:
    """Skip Wagtail's view-restriction queries while no page has a restriction.

    Wagtail checks the restrictions of a page and its ancestors before serving it
    (two queries); :func:`cop.guides.cache.any_view_restriction` answers "none
    anywhere" from the cache, renewed when a restriction is saved or deleted.
    """

    def get_view_restrictions(self) -> Any:
        from wagtail.models import PageViewRestriction

        from cop.guides.cache import any_view_restriction

        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()  # type: ignore[misc]


class HomePage(UnrestrictedWhileNoneExist, Page):
    """The site root: what cop is, featured guides, upcoming events and what others add.

    Other apps add sections through :mod:`cop.guides.hooks` (the latest public
    discussions, the latest published disclosure changes).
    """

    intro = models.CharField(max_length=300, blank=True)
    body = RichTextField(
        blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        InlinePanel(
            "featured_guides",
            label=_("Featured guides"),
            heading=_("Featured guides"),
            max_num=6,
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "guides.GuideIndexPage",
        "guides.WorkingGroupIndexPage",
        "guides.EventIndexPage",
        "guides.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cop.guides.cache import serve_home_page

        return serve_home_page(
            self, request, lambda: super(HomePage, self).serve(request, *args, **kwargs)
        )

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import fragments

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["home_body"] = fragments.home_body(
            page=self, cached=not getattr(request, "is_preview", False)
        )
        return context


class HomeFeaturedGuide(Orderable):
    """A guide that moderators feature on the home page, in their order."""

    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_guides"
    )
    guide = models.ForeignKey(
        "guides.GuidePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("guide")]

    class Meta(Orderable.Meta):
        verbose_name = _("featured guide")


class GuideIndexPage(UnrestrictedWhileNoneExist, Page):
    """The list of guides, filterable by tag."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["guides.HomePage"]
    subpage_types = ["guides.GuidePage", "guides.ChecklistPage"]

    class Meta:
        verbose_name = _("guide index")

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import fragments

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        body = fragments.guide_index_body(
            page=self,
            tag=request.GET.get("tag", "")[:100],
            cached=not getattr(request, "is_preview", False),
        )
        # The same for every reader, around the reader's own follow menu.
        head, _slot, rest = body.partition(fragments.FOLLOW_SLOT)
        context["index_head"] = mark_safe(head)  # noqa: S308 - cached page markup
        context["index_rest"] = mark_safe(rest)  # noqa: S308 - cached page markup
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cop.guides.cache import serve_guide_index

        return serve_guide_index(
            self,
            request,
            lambda: super(GuideIndexPage, self).serve(request, *args, **kwargs),
            tag=request.GET.get("tag", "")[:100],
        )


class GuidePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "guides.GuidePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class GuidePage(UnrestrictedWhileNoneExist, Page):
    """A practical guide: steps, checklists, example clauses and references."""

    intro = models.CharField(
        max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    body = StreamField(GuideStreamBlock())
    tags = ClusterTaggableManager(through=GuidePageTag, blank=True)
    last_reviewed_on = models.DateField(
        null=True, blank=True, help_text=_("When a moderator last checked the guide.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("tags")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldPanel("last_reviewed_on"), FieldPanel("reviewed_by")],
            heading=_("Review"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("last_reviewed_on"),
    ]

    parent_page_types = ["guides.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guide")

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import fragments

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["guide_article"] = fragments.guide_article(
            page=self, cached=not getattr(request, "is_preview", False)
        )
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from cop.guides.cache import serve_guide_page

        return serve_guide_page(
            self,
            request,
            lambda: super(GuidePage, self).serve(request, *args, **kwargs),
        )


class StandardPage(UnrestrictedWhileNoneExist, Page):
    """About, the privacy policy, the law-enforcement procedure, the code of conduct."""

    intro = models.CharField(max_length=300, blank=True)
    body = StreamField(StandardStreamBlock())

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["guides.HomePage", "guides.StandardPage"]
    subpage_types = ["guides.StandardPage"]

    class Meta:
        verbose_name = _("standard page")

    def get_context(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        from cop.guides import selectors

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context.update(selectors.page_references(stream=self.body))
        return context


class PeerReviewTask(AbstractGroupApprovalTask):
    """Approval by a member of the chosen groups other than the change's author.

    The person who submitted the change, or wrote the revision under review, sees no
    approve action and cannot approve through the action URL either.
    """

    class Meta:
        verbose_name = _("peer review task")
        verbose_name_plural = _("peer review tasks")

    @staticmethod
    def _is_author(obj: Any, user: Any) -> bool:
        state = getattr(obj, "current_workflow_state", None)
        if state is None:
            return False
        revision = (
            state.current_task_state.revision if state.current_task_state else None
        )
        return user.pk in {state.requested_by_id, getattr(revision, "user_id", None)}

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, str, bool]]:
        if self._is_author(obj, user):
            return []
        return list(super().get_actions(obj, user))

    def on_action(
        self, task_state: Any, user: Any, action_name: str, **kwargs: Any
    ) -> Any:
        if action_name == "approve" and self._is_author(
            task_state.workflow_state.content_object, user
        ):
            raise PermissionDenied(_("Another moderator must approve your change."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls) -> str:
        return str(
            _(
                "Members of the chosen groups, except the change's author, can approve it."
            )
        )

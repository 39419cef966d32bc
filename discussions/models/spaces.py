"""Spaces (categories) and tags: where topics live and how they are grouped."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cop.db import TimeStampedModel


class Visibility(models.TextChoices):
    """Who may read a space. The rules themselves live in ``discussions.permissions``."""

    PUBLIC = "public", _("Public: everyone, signed in or not")
    MEMBERS = "members", _("Members: every signed-in member")
    LIBRARY_WORKERS = (
        "library_workers",
        _("Library workers only: no vendor can read it"),
    )
    WORKING_GROUP = "working_group", _("A working group's private space")


class SpaceQuerySet(models.QuerySet["Space"]):
    """Queries shared by the space selectors."""

    def active(self) -> SpaceQuerySet:
        """Return the spaces that are not archived."""
        return self.filter(archived_at__isnull=True)


class Space(TimeStampedModel):
    """A category of topics with its own visibility and moderation settings."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )
    working_group = models.ForeignKey(
        "auth.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="discussion_spaces",
        help_text=_("Members of this group can read a working group's private space."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    requires_topic_approval = models.BooleanField(
        _("every new topic waits for a moderator"), default=False
    )
    red_flag_window_days = models.PositiveSmallIntegerField(
        _("vendor response window for red flags (days)"), default=14
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    # Denormalised for the space list (updated by the posting services).
    topic_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(visibility="working_group")
                | Q(working_group__isnull=False),
                name="discussions_space_working_group_set",
            ),
            models.CheckConstraint(
                condition=Q(red_flag_window_days__gte=1)
                & Q(red_flag_window_days__lte=90),
                name="discussions_space_window_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discussions:space", kwargs={"slug": self.slug})


class Tag(models.Model):
    """A free label on topics (lower-case slug, shown as its name)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("discussions:tag", kwargs={"slug": self.slug})

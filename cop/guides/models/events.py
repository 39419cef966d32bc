"""Events: sessions at library conferences and online, with iCalendar downloads.

An editor enters the start and end as local date and time in the event's time zone
(what the programme says); :meth:`EventPage.clean` derives the UTC instants
``starts_at``/``ends_at`` that lists filter and sort on, and refuses an end before the
start or an unknown time zone. No attendee data is collected: registration, where
there is any, happens at the organiser's ``registration_url``.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


@functools.lru_cache(maxsize=1)
def time_zone_names() -> frozenset[str]:
    """Return the IANA time zone names this system knows."""
    return frozenset(zoneinfo.available_timezones())


def _time_zone_choices() -> list[tuple[str, str]]:
    return [("", "---------")] + [(name, name) for name in sorted(time_zone_names())]


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class EventIndexPage(RoutablePageMixin, Page):
    """Upcoming events first, then the archive; a subscribable feed at ``feed/``."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["guides.HomePage"]
    subpage_types = ["guides.EventPage"]
    max_count = 1

    class Meta:
        verbose_name = _("event index")

    @path("")
    def event_list(self, request: HttpRequest) -> HttpResponse:
        from cop.guides import selectors

        past = selectors.event_list_past(
            index=self, page_number=request.GET.get("page")
        )
        response: HttpResponse = self.render(
            request,
            context_overrides={
                "upcoming": selectors.event_list_upcoming(index=self),
                "past": past,
            },
        )
        return response

    # Wagtail serves only paths of word characters and hyphens: no ".ics" suffix.
    @path("feed/", name="feed")
    def feed(self, request: HttpRequest) -> HttpResponse:
        from cop.guides import calendar, selectors

        events = selectors.event_list_upcoming(index=self)
        return calendar.calendar_response(
            events, name=self.title, filename=None, request=request
        )


class EventPage(RoutablePageMixin, Page):
    """One session: when (in its time zone), where or how to join, and a .ics file."""

    intro = models.CharField(
        max_length=300, help_text=_("One or two sentences shown in lists.")
    )
    body = RichTextField(
        blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    start_date = models.DateField(_("start date"))
    start_time = models.TimeField(_("start time"))
    end_date = models.DateField(_("end date"))
    end_time = models.TimeField(_("end time"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        help_text=_(
            "The time zone the start and end are given in, e.g. America/Chicago."
        ),
    )
    attendance = models.CharField(
        _("attendance"),
        max_length=16,
        choices=Attendance.choices,
        default=Attendance.IN_PERSON,
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True, max_length=500)
    online_url = models.URLField(_("link to join online"), blank=True, max_length=500)
    registration_url = models.URLField(
        _("registration link"),
        blank=True,
        max_length=500,
        help_text=_(
            "Where to register, at the organiser's; cop collects no attendee data."
        ),
    )
    # Derived from the local fields and the time zone in clean(); lists use them.
    starts_at = models.DateTimeField(
        null=True, blank=True, editable=False, db_index=True
    )
    ends_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("start_time")]),
                FieldRowPanel([FieldPanel("end_date"), FieldPanel("end_time")]),
                FieldPanel(
                    "time_zone",
                    # Callable choices: the list is built when the form is.
                    widget=forms.Select(choices=_time_zone_choices),  # type: ignore[arg-type]
                ),
            ],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("attendance"),
                FieldPanel("venue"),
                FieldPanel("address"),
                FieldPanel("online_url"),
                FieldPanel("registration_url"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
        index.SearchField("venue"),
        index.FilterField("starts_at"),
    ]

    parent_page_types = ["guides.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at"))
                | models.Q(starts_at__isnull=True),
                name="guides_event_ends_after_start",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.time_zone not in time_zone_names():
            errors["time_zone"] = _(
                "%(zone)s is not a known time zone; choose one from the list."
            ) % {"zone": self.time_zone or "—"}
        if self.attendance in (Attendance.ONLINE, Attendance.HYBRID) and not (
            self.online_url or self.registration_url
        ):
            errors["online_url"] = _(
                "An online event needs a link to join or a registration link."
            )
        if self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID) and not (
            self.venue or self.address
        ):
            errors["venue"] = _("An in-person event needs a venue or an address.")
        if not errors and None not in (
            self.start_date,
            self.start_time,
            self.end_date,
            self.end_time,
        ):
            zone = zoneinfo.ZoneInfo(self.time_zone)
            starts = dt.datetime.combine(self.start_date, self.start_time, tzinfo=zone)
            ends = dt.datetime.combine(self.end_date, self.end_time, tzinfo=zone)
            if ends <= starts:
                errors["end_time"] = _("The event must end after it starts.")
            else:
                self.starts_at = starts.astimezone(dt.UTC)
                self.ends_at = ends.astimezone(dt.UTC)
        if errors:
            raise ValidationError(errors)

    @property
    def local_start(self) -> dt.datetime:
        """Return the start in the event's own time zone."""
        return dt.datetime.combine(
            self.start_date, self.start_time, tzinfo=zoneinfo.ZoneInfo(self.time_zone)
        )

    @property
    def local_end(self) -> dt.datetime:
        """Return the end in the event's own time zone."""
        return dt.datetime.combine(
            self.end_date, self.end_time, tzinfo=zoneinfo.ZoneInfo(self.time_zone)
        )

    @property
    def is_online(self) -> bool:
        return self.attendance in (Attendance.ONLINE, Attendance.HYBRID)

    @property
    def is_in_person(self) -> bool:
        return self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID)

    @path("")
    def event_detail(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        response: HttpResponse = self.render(
            request,
            context_overrides={
                "is_past": bool(self.ends_at and self.ends_at < timezone.now())
            },
        )
        return response

    @path("ical/", name="ics")
    def ics(self, request: HttpRequest) -> HttpResponse:
        from cop.guides import calendar

        return calendar.calendar_response(
            [self], name=self.title, filename=f"{self.slug}.ics", request=request
        )

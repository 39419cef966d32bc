"""Digest scheduling, building and idempotent sending; e-mail unsubscribe choices.

How a digest goes out (see also ``discussions.tasks.digests``):

1. Every 15 minutes beat runs ``schedule_due_digests_task``: it gives members
   without a :class:`DiscussionSettings` row one (weekly defaults, created lazily in
   bulk, :func:`digest_settings_backfill`), then walks the members whose
   ``next_digest_at`` has passed (:func:`digest_due_batch`) in chunks and enqueues
   one ``send_digest_batch_task`` per chunk (about 100 members, each with their
   own period).
2. :func:`digest_send_batch` claims the batch's :class:`DigestDelivery` rows (unique
   per member and period) in three statements, builds all their digests from data
   fetched once (:func:`digest_build_many`: members' roles, follows, the period's
   candidate topics, registered sections), sends them over one SMTP connection
   and marks each row ``sent`` in one UPDATE right after its message was accepted.
   A second task for the same period finds the rows taken and does nothing; a
   claim older than ``COP_DIGEST_CLAIM_TIMEOUT`` seconds (its worker died) is taken
   over. ``next_digest_at`` moves on only once the period is done, so beat keeps
   re-enqueueing a member whose message was lost.

Who gets one: active members with a verified primary address (allauth), a
frequency other than "off", and an address that is not bouncing.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cop.core.digest import (
    DigestFollows,
    DigestItem,
    DigestRequest,
    DigestSection,
    digest_sections,
)
from discussions import mail, permissions
from discussions.models import (
    DigestDelivery,
    DigestFrequency,
    DiscussionSettings,
    EmbargoState,
    FollowLevel,
    Post,
    ReviewState,
    Space,
    Subscription,
    Topic,
    TopicKind,
)

__all__ = [
    "DIGEST_SECTION_LIMIT",
    "DIGEST_TOTAL_LIMIT",
    "Digest",
    "digest_bounce_reset",
    "digest_build",
    "digest_build_many",
    "digest_due_batch",
    "digest_follows",
    "digest_follows_many",
    "digest_next_at",
    "digest_period_for",
    "digest_schedule_refresh",
    "digest_send",
    "digest_send_batch",
    "digest_settings_backfill",
    "email_unsubscribe",
    "unsubscribe_choices",
]

logger = logging.getLogger(__name__)

#: At most this many items per section and per digest; the rest is a "more" link.
DIGEST_SECTION_LIMIT = 20
DIGEST_TOTAL_LIMIT = 50
#: Permanent failures in a row after which an address counts as bouncing.
BOUNCE_THRESHOLD = 3
#: Transient failures of one period after which it is given up (marked failed).
MAX_ATTEMPTS = 8
_INTERVALS = {
    DigestFrequency.DAILY: timedelta(days=1),
    DigestFrequency.WEEKLY: timedelta(days=7),
}


# ----------------------------------------------------------------- schedule


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _slot_on(day: Any, hour: int, zone: ZoneInfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=zone)


def digest_next_at(*, prefs: DiscussionSettings, after: datetime) -> datetime | None:
    """Return the member's first digest time strictly after ``after`` (None when off).

    The time is ``digest_hour`` o'clock in the member's ``time_zone`` (any day for a
    daily digest, ``digest_weekday`` for a weekly one), returned in UTC.
    """
    if prefs.digest_frequency not in _INTERVALS:
        return None
    zone = _zone(prefs.time_zone)
    local_day = after.astimezone(zone).date()
    for offset in range(9):
        day = local_day + timedelta(days=offset)
        if (
            prefs.digest_frequency == DigestFrequency.WEEKLY
            and day.weekday() != prefs.digest_weekday
        ):
            continue
        slot = _slot_on(day, prefs.digest_hour, zone).astimezone(UTC)
        if slot > after:
            return slot
    return None  # pragma: no cover - a slot always exists within 8 days


def digest_period_for(
    *, prefs: DiscussionSettings, now: datetime
) -> tuple[datetime, datetime] | None:
    """Return ``(start, end)`` of the period a digest due at ``now`` covers, or None.

    ``end`` is the latest scheduled time at or before ``now`` (so every scheduler run
    within one period computes the same period); ``start`` is one interval earlier,
    or the end of the last digest when that is later (no item is sent twice after a
    change from weekly to daily).
    """
    interval = _INTERVALS.get(prefs.digest_frequency)
    if interval is None:
        return None
    end = digest_next_at(prefs=prefs, after=now - interval - timedelta(days=1))
    while end is not None:
        following = digest_next_at(prefs=prefs, after=end)
        if following is None or following > now:
            break
        end = following
    if end is None or end > now:
        return None
    start = end - interval
    if prefs.last_digest_at and prefs.last_digest_at > start:
        start = prefs.last_digest_at
    if start >= end:
        return None
    return start, end


def digest_schedule_refresh(
    *, prefs: DiscussionSettings, now: datetime | None = None
) -> DiscussionSettings:
    """Recompute and save ``prefs.next_digest_at`` (call after the member changes it).

    Idempotent. H5's/H3's settings forms call this after saving frequency, hour,
    weekday or time zone.
    """
    now = now or timezone.now()
    prefs.next_digest_at = digest_next_at(prefs=prefs, after=now)
    prefs.save(update_fields=["next_digest_at", "updated_at"])
    return prefs


def _verified_email_q(user_ref: str = "pk", email_ref: str = "email") -> Exists:
    """Return "the member's current address is verified" (allauth) as a subquery."""
    return Exists(
        EmailAddress.objects.filter(
            user_id=OuterRef(user_ref), email__iexact=OuterRef(email_ref), verified=True
        )
    )


def digest_settings_backfill(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Give up to ``limit`` eligible members without settings a row with the defaults.

    A member without a row has the weekly default (Monday 08:00 UTC); the row is
    created here, lazily and in bulk, so that due selection is one indexed query.
    Idempotent (conflicts are ignored). Returns the number of rows created.
    """
    now = now or timezone.now()
    user_ids = list(
        get_user_model()
        .objects.filter(is_active=True, discussion_settings__isnull=True)
        .filter(_verified_email_q())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    if not user_ids:
        return 0
    first = digest_next_at(prefs=DiscussionSettings(), after=now)
    rows = [DiscussionSettings(user_id=pk, next_digest_at=first) for pk in user_ids]
    DiscussionSettings.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def digest_due_batch(
    *, now: datetime, after_user_id: int = 0, limit: int = 500
) -> list[tuple[int, datetime, datetime]]:
    """Return up to ``limit`` ``(user_id, start, end)`` of members due at ``now``.

    Ordered by user ID and starting after ``after_user_id``, so that a chunked walk
    (STYLE rule 15) visits everyone once. Two queries whatever the size.
    """
    rows = (
        DiscussionSettings.objects.filter(
            next_digest_at__lte=now,
            bouncing_since__isnull=True,
            user_id__gt=after_user_id,
            user__is_active=True,
        )
        .exclude(digest_frequency=DigestFrequency.OFF)
        .filter(_verified_email_q("user_id", "user__email"))
        .order_by("user_id")[:limit]
    )
    due = []
    for prefs in rows:
        period = digest_period_for(prefs=prefs, now=now)
        if period is not None:
            due.append((prefs.user_id, *period))
        else:
            digest_schedule_refresh(prefs=prefs, now=now)
    return due


# ----------------------------------------------------------------- building


@dataclass
class Digest:
    """What one member gets for one period (sections in display order)."""

    period_start: datetime
    period_end: datetime
    sections: list[DigestSection] = field(default_factory=list)
    spaces: list[tuple[str, str]] = field(
        default_factory=list
    )  # (name, unsubscribe url)

    @property
    def item_count(self) -> int:
        """Return the number of items shown (after the caps)."""
        return sum(len(section.items) for section in self.sections)


def _follows_from_rows(rows: Any) -> dict[int, DigestFollows]:
    """Return DigestFollows by user ID from Subscription ``values()`` rows."""
    found: dict[int, dict[str, set[int]]] = {}
    for row in rows:
        mine = found.setdefault(row["user_id"], {})
        for target in ("space", "topic", "tag", "organisation", "product"):
            target_id = row[f"{target}_id"]
            if target_id is None:
                continue
            if row["level"] == FollowLevel.MUTED:
                key = f"muted_{target}_ids"
            elif row["level"] == FollowLevel.WATCHING or target not in ("space", "tag"):
                key = f"{target}_ids"
            else:
                continue  # a space or tag at "normal" sends only what involves them
            mine.setdefault(key, set()).add(target_id)
    return {
        user_id: DigestFollows(**{key: frozenset(ids) for key, ids in keys.items()})
        for user_id, keys in found.items()
    }


def digest_follows_many(*, user_ids: Sequence[int]) -> dict[int, DigestFollows]:
    """Return what each member follows (spaces/tags: watching; others: watching or normal).

    One query for any number of members; members following nothing get an empty
    :class:`DigestFollows`.
    """
    follows = _follows_from_rows(
        Subscription.objects.filter(user_id__in=list(user_ids)).values(
            "user_id",
            "level",
            "space_id",
            "topic_id",
            "tag_id",
            "organisation_id",
            "product_id",
        )
    )
    return {user_id: follows.get(user_id, DigestFollows()) for user_id in user_ids}


def digest_follows(*, user: Any) -> DigestFollows:
    """Return what ``user`` follows (see :func:`digest_follows_many`). One query."""
    return digest_follows_many(user_ids=[user.pk])[user.pk]


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(slots=True)
class _Row:
    """A topic or post as the digest needs it: plain values, no model instance.

    Has the attributes :func:`permissions.can_read_topic_with` and
    :func:`permissions.can_see_post_body_with` read.
    """

    pk: int
    author_id: int | None
    review_state: str
    hidden_at: datetime | None
    author_name: str = ""
    space_id: int = 0
    merged_into_id: int | None = None
    embargo_state: str = ""
    embargo_vendor_id: int | None = None
    product_id: int | None = None
    product_org_id: int | None = None
    product_name: str = ""
    title: str = ""
    slug: str = ""
    space_name: str = ""
    when: datetime | None = None
    answer: _Row | None = None
    vendor_answered: bool = False


_TOPIC_FIELDS = (
    "pk",
    "author_id",
    "review_state",
    "hidden_at",
    "author__display_name",
    "space_id",
    "merged_into_id",
    "embargo_state",
    "embargo_vendor_id",
    "product_id",
    "product__organisation_id",
    "product__name",
    "title",
    "slug",
    "space__name",
)


def _rows(qs: Any, when: str, *extra: str) -> list[_Row]:
    """Return ``qs`` as :class:`_Row` (``when`` names the field dating the item)."""
    rows = []
    for values in qs.values_list(*_TOPIC_FIELDS, when, *extra):
        row = _Row(*values[: len(_TOPIC_FIELDS)])
        row.author_name = row.author_name or ""
        row.product_name = row.product_name or ""
        row.when = values[len(_TOPIC_FIELDS)]
        rest = values[len(_TOPIC_FIELDS) + 1 :]
        if rest and len(rest) == 1:
            row.vendor_answered = bool(rest[0])
        elif rest:
            row.answer = _Row(*rest[:5])
            row.answer.author_name = row.answer.author_name or ""
        rows.append(row)
    return rows


@dataclass
class _Candidates:
    """The period's topics of a whole batch, fetched once (see ``digest_build_many``)."""

    new_by_space: dict[int, list[_Row]]
    new_by_tag: dict[int, list[_Row]]
    answered: dict[int, _Row]
    red_flags: list[_Row]
    tags_of: dict[int, frozenset[int]]


def _muted(follows: DigestFollows, topic: _Row, tags_of: dict) -> bool:
    """Return whether ``topic`` is muted by the member (space, topic, tag, product, vendor)."""
    if topic.space_id in follows.muted_space_ids or topic.pk in follows.muted_topic_ids:
        return True
    if follows.muted_tag_ids and not follows.muted_tag_ids.isdisjoint(
        tags_of.get(topic.pk, ())
    ):
        return True
    return topic.product_id is not None and (
        topic.product_id in follows.muted_product_ids
        or topic.product_org_id in follows.muted_organisation_ids
    )


def _candidates(requests: Sequence[DigestRequest]) -> _Candidates:
    """Fetch, once for the batch, every topic any of its digests may list (4 queries).

    The union of the members' periods, watched spaces, tags and followed topics, as
    plain values (no model instances: a week of topics is fetched per batch);
    visibility and mutes are applied per member in memory (a member's facts come
    from :func:`permissions.reader_facts_for_users`).
    """
    start = min(r.period_start for r in requests)
    end = max(r.period_end for r in requests)
    space_ids = sorted({pk for r in requests for pk in r.follows.space_ids})
    tag_ids = sorted({pk for r in requests for pk in r.follows.tag_ids})
    topic_ids = sorted({pk for r in requests for pk in r.follows.topic_ids})
    new: list[_Row] = []
    if space_ids or tag_ids:
        watched = Q(space_id__in=space_ids) | Exists(
            Topic.tags.through.objects.filter(
                topic_id=OuterRef("pk"), tag_id__in=tag_ids
            )
        )
        new = _rows(
            Topic.objects.filter(
                watched,
                merged_into__isnull=True,
                created_at__gte=start,
                created_at__lt=end,
            ).order_by("-created_at", "-pk"),
            "created_at",
        )
    answered: list[_Row] = []
    if topic_ids:
        answered = _rows(
            Topic.objects.filter(
                pk__in=topic_ids,
                merged_into__isnull=True,
                accepted_answer__isnull=False,
                # answer_accept saves updated_at with accepted_answer: the time of acceptance.
                updated_at__gte=start,
                updated_at__lt=end,
            ).order_by("-updated_at", "-pk"),
            "updated_at",
            "accepted_answer_id",
            "accepted_answer__author_id",
            "accepted_answer__review_state",
            "accepted_answer__hidden_at",
            "accepted_answer__author__display_name",
        )
    vendor_answered = Exists(
        Post.objects.filter(
            topic_id=OuterRef("pk"),
            is_vendor_response=True,
            review_state=ReviewState.APPROVED,
            hidden_at__isnull=True,
        )
    )
    red_flags = _rows(
        Topic.objects.filter(
            kind=TopicKind.RED_FLAG,
            embargo_state=EmbargoState.RELEASED,
            merged_into__isnull=True,
            released_at__gte=start,
            released_at__lt=end,
        )
        .annotate(vendor_answered=vendor_answered)
        .order_by("-released_at", "-pk"),
        "released_at",
        "vendor_answered",
    )
    all_ids = {t.pk for t in (*new, *answered, *red_flags)}
    tags_of: dict[int, set[int]] = {}
    if all_ids:
        for topic_id, tag_id in Topic.tags.through.objects.filter(
            topic_id__in=sorted(all_ids)
        ).values_list("topic_id", "tag_id"):
            tags_of.setdefault(topic_id, set()).add(tag_id)
    new_by_space: dict[int, list[_Row]] = {}
    new_by_tag: dict[int, list[_Row]] = {}
    wanted_tags = set(tag_ids)
    for topic in new:  # kept in (-created_at, -pk) order
        new_by_space.setdefault(topic.space_id, []).append(topic)
        for tag_id in tags_of.get(topic.pk, ()):
            if tag_id in wanted_tags:
                new_by_tag.setdefault(tag_id, []).append(topic)
    return _Candidates(
        new_by_space=new_by_space,
        new_by_tag=new_by_tag,
        answered={t.pk: t for t in answered},
        red_flags=red_flags,
        tags_of={pk: frozenset(ids) for pk, ids in tags_of.items()},
    )


def _path_maker(name: str, **sentinels: Any) -> Any:
    """Return ``f(**values)`` giving ``reverse(name, kwargs=values)`` by substitution.

    ``reverse`` costs about a millisecond; the digest needs thousands of links of
    the same two shapes. The values substituted are IDs and slugs (no quoting).
    """
    path = reverse(name, kwargs=sentinels)

    def make(**values: Any) -> str:
        result = path
        for key, sentinel in sentinels.items():
            result = result.replace(str(sentinel), str(values[key]), 1)
        return _absolute(result)

    return make


class _Items:
    """Each topic's digest line, made once per batch and shared by its members."""

    def __init__(self) -> None:
        self._topic_url = _path_maker(
            "discussions:topic", topic_id=987654321987, slug="digest-slug-sentinel"
        )
        self._post_url = _path_maker("discussions:post_link", post_id=987654321987)
        self._made: dict[tuple[str, int], DigestItem] = {}
        self.headings = {
            "new_topics": _("New topics in spaces and tags you watch"),
            "accepted_answers": _("Answers accepted in topics you follow"),
            "red_flags": _("Red flags published"),
        }

    def topic_url(self, t: _Row) -> str:
        return self._topic_url(topic_id=t.pk, slug=t.slug or "-")

    def get(self, key: str, t: _Row) -> DigestItem:
        item = self._made.get((key, t.pk))
        if item is None:
            item = self._made[key, t.pk] = self._make(key, t)
        return item

    def _make(self, key: str, t: _Row) -> DigestItem:
        if key == "new_topics":
            note = _("in %(space)s, by %(author)s") % {
                "space": t.space_name,
                "author": _author_name(t.author_name, t.author_id),
            }
            return DigestItem(t.title, self.topic_url(t), note, t.when)
        if key == "accepted_answers":
            answer = t.answer
            note = _("answer by %(author)s") % {
                "author": _author_name(answer.author_name, answer.author_id)
            }
            return DigestItem(t.title, self._post_url(post_id=answer.pk), note, t.when)
        note = (
            _("with the vendor's response")
            if t.vendor_answered
            else _("the vendor did not respond in time")
        ) + (f" ({t.product_name})" if t.product_id else "")
        return DigestItem(t.title, self.topic_url(t), note, t.when)


def _author_name(name: str, author_id: int | None) -> str:
    return name if author_id is not None else _("a former member")


def _discussion_sections(
    *,
    request: DigestRequest,
    facts: permissions.ReaderFacts,
    found: _Candidates,
    items: _Items,
    limit: int,
    index_url: str,
) -> list[DigestSection]:
    """Return one member's discussion sections from the batch's candidates (no query)."""
    follows, user_id = request.follows, request.viewer.pk
    lo, hi = request.period_start, request.period_end
    tags_of = found.tags_of
    can_read = permissions.can_read_topic_with

    def shown(topic: _Row) -> bool:
        return can_read(facts, topic) and not _muted(follows, topic, tags_of)

    def section(key: str, matched: list[_Row]) -> DigestSection:
        return DigestSection(
            key=key,
            heading=items.headings[key],
            items=[items.get(key, t) for t in matched[:limit]],
            total=len(matched),
            more_url=index_url,
        )

    sections: list[DigestSection] = []
    if follows.space_ids or follows.tag_ids:
        lists = [found.new_by_space.get(pk, ()) for pk in follows.space_ids]
        lists += [found.new_by_tag.get(pk, ()) for pk in follows.tag_ids]
        seen: set[int] = set()
        matched: list[_Row] = []
        for topics in lists:
            for topic in topics:
                if topic.pk in seen:
                    continue
                seen.add(topic.pk)
                if (
                    lo <= topic.when < hi
                    and topic.author_id != user_id
                    and shown(topic)
                ):
                    matched.append(topic)
        if len(lists) > 1:
            matched.sort(key=lambda t: (t.when, t.pk), reverse=True)
        sections.append(section("new_topics", matched))
    if follows.topic_ids:
        matched = [
            t
            for pk in follows.topic_ids
            if (t := found.answered.get(pk)) is not None
            and lo <= t.when < hi
            and shown(t)
            and permissions.can_see_post_body_with(facts, t.answer)
        ]
        matched.sort(key=lambda t: (t.when, t.pk), reverse=True)
        sections.append(section("accepted_answers", matched))
    matched = [t for t in found.red_flags if lo <= t.when < hi and shown(t)]
    sections.append(section("red_flags", matched))
    return sections


def digest_build_many(
    *,
    requests: Sequence[tuple[Any, datetime, datetime]],
    section_limit: int = DIGEST_SECTION_LIMIT,
    total_limit: int = DIGEST_TOTAL_LIMIT,
) -> dict[int, Digest]:
    """Return the digests of many ``(user, period_start, period_end)``, by user ID.

    Each member gets only what they may see now and nothing they muted.
    Discussions' sections come first, then those registered in
    :data:`cop.core.digest.digest_sections`. Each section has at most
    ``section_limit`` items, the digest at most ``total_limit``; a section cut short
    keeps its ``total`` and a link to the rest.

    Batched: about a dozen queries for the whole batch (members' roles and follows,
    the period's candidate topics, tags, spaces, the registered sections' own
    queries), none per member or item; the rest is filtered in memory.
    """
    if not requests:
        return {}
    users = [user for user, _start, _end in requests]
    follows = digest_follows_many(user_ids=[user.pk for user in users])
    facts = permissions.reader_facts_for_users(users)
    batch = [
        DigestRequest(
            viewer=user, period_start=start, period_end=end, follows=follows[user.pk]
        )
        for user, start, end in requests
    ]
    found = _candidates(batch)
    items = _Items()
    registered = [
        builder(requests=batch, limit=section_limit)
        for _key, builder in digest_sections
    ]
    space_names = dict(Space.objects.values_list("pk", "name"))
    index_url = _absolute(reverse("discussions:index"))
    digests: dict[int, Digest] = {}
    for request in batch:
        user = request.viewer
        sections = _discussion_sections(
            request=request,
            facts=facts[user.pk],
            found=found,
            items=items,
            limit=section_limit,
            index_url=index_url,
        )
        for by_user in registered:
            section = by_user.get(user.pk)
            if section is not None:
                sections.append(section)
        remaining = total_limit
        kept = []
        for section in sections:
            if not section.items or remaining <= 0:
                continue
            section.total = max(section.total, len(section.items))
            section.items = section.items[:remaining]
            remaining -= len(section.items)
            kept.append(section)
        digest = Digest(
            period_start=request.period_start,
            period_end=request.period_end,
            sections=kept,
        )
        if kept and request.follows.space_ids:
            digest.spaces = [
                (name, mail.unsubscribe_url(user_id=user.pk, scope=f"space:{pk}"))
                for name, pk in sorted(
                    (space_names[pk], pk)
                    for pk in request.follows.space_ids
                    if pk in space_names
                )
            ]
        digests[user.pk] = digest
    return digests


def digest_build(
    *,
    user: Any,
    period_start: datetime,
    period_end: datetime,
    section_limit: int = DIGEST_SECTION_LIMIT,
    total_limit: int = DIGEST_TOTAL_LIMIT,
) -> Digest:
    """Return ``user``'s digest for the period (see :func:`digest_build_many`)."""
    return digest_build_many(
        requests=[(user, period_start, period_end)],
        section_limit=section_limit,
        total_limit=total_limit,
    )[user.pk]


@dataclass(frozen=True)
class _RenderedSection:
    """A section as the digest templates show it: its item lines made once per batch."""

    heading: str
    text: str
    html: str
    more_count: int
    more_url: str


class _Lines:
    """Each item's text and HTML line, made once per batch and shared by its members.

    The HTML line is built with ``format_html`` (every value escaped); the plain
    text line goes into the text part only. Rendering the lines here rather than
    in a template loop makes each message's templates a short frame.
    """

    def __init__(self) -> None:
        self._made: dict[DigestItem, tuple[str, str]] = {}

    def section(self, section: DigestSection) -> _RenderedSection:
        lines = [self._line(item) for item in section.items]
        return _RenderedSection(
            heading=str(section.heading),
            text="".join(text for text, _html in lines),
            html=mark_safe("".join(html for _text, html in lines)),  # noqa: S308 - format_html parts
            more_count=section.more_count,
            more_url=section.more_url,
        )

    def _line(self, item: DigestItem) -> tuple[str, str]:
        made = self._made.get(item)
        if made is None:
            note = str(item.note)
            text = f"\n- {item.title}{f' ({note})' if note else ''}\n  {item.url}\n"
            html = format_html(
                '                        <li><a href="{}">{}</a>{}</li>\n',
                item.url,
                item.title,
                format_html(" <span>({})</span>", note) if note else "",
            )
            made = self._made[item] = (text, html)
        return made


# ----------------------------------------------------------------- sending


def _claim_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "COP_DIGEST_CLAIM_TIMEOUT", 360))


def _pairs_q(periods: dict[int, datetime]) -> Q:
    """Return "(user, period_start) is one of ``periods``" grouped by period start."""
    by_start: dict[datetime, list[int]] = {}
    for user_id, start in periods.items():
        by_start.setdefault(start, []).append(user_id)
    q = Q(pk__in=[])
    for start, user_ids in by_start.items():
        q |= Q(period_start=start, user_id__in=sorted(user_ids))
    return q


def _claim_many(
    *, periods: dict[int, tuple[datetime, datetime]], now: datetime
) -> tuple[dict[int, DigestDelivery], datetime]:
    """Claim the (member, period) rows of a batch; return those this worker holds.

    Three statements whatever the batch size: new rows are inserted already claimed
    (conflicts ignored: a row exists), then one conditional UPDATE takes over rows
    released by a transient failure (``claimed_at`` NULL) or left by a worker that
    died (``claimed_at`` older than ``COP_DIGEST_CLAIM_TIMEOUT``), then the rows
    carrying this worker's claim time (the claim token: made unique with random
    microseconds) are read back. Only one worker can win a row: the insert and the
    UPDATE are each atomic in the database.
    """
    token = now.replace(microsecond=secrets.randbelow(1_000_000))
    starts = {user_id: start for user_id, (start, _end) in periods.items()}
    DigestDelivery.objects.bulk_create(
        [
            DigestDelivery(
                user_id=user_id,
                period_start=start,
                period_end=end,
                state=DigestDelivery.State.CLAIMED,
                claimed_at=token,
                attempts=1,
            )
            for user_id, (start, end) in periods.items()
        ],
        ignore_conflicts=True,
    )
    pairs = _pairs_q(starts)
    DigestDelivery.objects.filter(pairs, state=DigestDelivery.State.CLAIMED).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _claim_timeout())
    ).update(claimed_at=token, attempts=F("attempts") + 1)
    held = DigestDelivery.objects.filter(
        pairs, state=DigestDelivery.State.CLAIMED, claimed_at=token
    )
    return {row.user_id: row for row in held}, token


def _claims_refresh(
    *, held: dict[int, DigestDelivery], token: datetime
) -> tuple[dict[int, DigestDelivery], datetime]:
    """Renew this worker's claims still to send (a slow batch keeps them); 2 queries."""
    new_token = timezone.now().replace(microsecond=secrets.randbelow(1_000_000))
    pks = [row.pk for row in held.values()]
    DigestDelivery.objects.filter(
        pk__in=pks, state=DigestDelivery.State.CLAIMED, claimed_at=token
    ).update(claimed_at=new_token)
    kept = set(
        DigestDelivery.objects.filter(pk__in=pks, claimed_at=new_token).values_list(
            "pk", flat=True
        )
    )
    return {uid: row for uid, row in held.items() if row.pk in kept}, new_token


def _periods_done(
    prefs_list: Sequence[DiscussionSettings], ends: dict[int, datetime], now: datetime
) -> None:
    """Move the members' schedules past their period ends (idempotent).

    One ``executemany`` for the batch (a row each, one round trip: Django's
    ``bulk_update`` builds a CASE expression that costs more than the sending).
    """
    if not prefs_list:
        return
    meta = DiscussionSettings._meta
    columns = [
        meta.get_field(name).column
        for name in ("next_digest_at", "last_digest_at", "updated_at")
    ]
    rows = []
    for prefs in prefs_list:
        end = ends[prefs.user_id]
        prefs.next_digest_at = digest_next_at(prefs=prefs, after=max(end, now))
        prefs.last_digest_at = end
        rows.append(
            [
                db_connection.ops.adapt_datetimefield_value(value)
                for value in (prefs.next_digest_at, end, now)
            ]
            + [prefs.pk]
        )
    sets = ", ".join(f"{db_connection.ops.quote_name(c)} = %s" for c in columns)
    table = db_connection.ops.quote_name(meta.db_table)
    pk = db_connection.ops.quote_name(meta.pk.column)
    with db_connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608 - names from the model


def _eligible_prefs(user_ids: Sequence[int]) -> dict[int, DiscussionSettings]:
    """Return the settings (with ``user``) of the members who may get a digest (1 query).

    Active, with an address that is verified (allauth) and not bouncing, and a
    frequency other than "off".
    """
    rows = (
        DiscussionSettings.objects.filter(
            user_id__in=list(user_ids),
            user__is_active=True,
            bouncing_since__isnull=True,
        )
        .exclude(digest_frequency=DigestFrequency.OFF)
        .exclude(user__email="")
        .filter(_verified_email_q("user_id", "user__email"))
        .select_related("user")
    )
    return {prefs.user_id: prefs for prefs in rows}


@dataclass
class _Outcome:
    """What happened to each member of a batch (returned by ``digest_send_batch``)."""

    states: dict[int, str] = field(default_factory=dict)
    transient: list[BaseException] = field(default_factory=list)


def digest_send_batch(
    *,
    items: Sequence[tuple[int, datetime, datetime | None]],
    now: datetime | None = None,
) -> dict[int, str]:
    """Build and send the digests of ``(user_id, period_start, period_end)``, each at most once.

    Returns the state by member: ``"sent"``, ``"empty"`` (nothing new: no e-mail),
    ``"failed"``, ``"skipped"`` (not eligible, or done/claimed elsewhere) or
    ``"retry"``. Raises :class:`mail.TransientMailError` at the end (after every
    other member of the batch was handled and the failed members' claims were
    released) when some member met a transient error, so the task retries with
    backoff; members done meanwhile are skipped by the retry.

    The guarantees, per member: the :class:`DigestDelivery` row unique per (member,
    period) is claimed before building (:func:`_claim_many`), the digest shows only
    what the member may see when the batch runs, and the row is marked ``sent`` by
    one UPDATE right after the SMTP server accepted the message (the only window in
    which a killed worker can cause a duplicate). The schedule of the members done
    moves on at the end of the batch in one statement; if that is lost, the next
    scheduler run finds the rows done and redoes it. All messages of the batch go
    over one SMTP connection. Not wrapped in a transaction on purpose: the claims
    must be committed before the mail leaves.

    Queries: about 20 for the batch plus one per message sent, whatever the size.
    """
    now = now or timezone.now()
    outcome = _Outcome()
    eligible = _eligible_prefs([user_id for user_id, _s, _e in items])
    periods: dict[int, tuple[datetime, datetime]] = {}
    for user_id, start, end in items:
        prefs = eligible.get(user_id)
        if prefs is None:
            outcome.states[user_id] = "skipped"
            continue
        if end is None:
            end = start + _INTERVALS.get(prefs.digest_frequency, timedelta(days=7))
        periods[user_id] = (start, end)
    if not periods:
        return outcome.states
    held, token = _claim_many(periods=periods, now=now)
    claimed_since = time.monotonic()
    done: list[DiscussionSettings] = []
    ends = {user_id: end for user_id, (_start, end) in periods.items()}
    lost = {uid: start for uid, (start, _end) in periods.items() if uid not in held}
    if lost:
        for uid in lost:
            outcome.states[uid] = "skipped"
        finished = DigestDelivery.objects.filter(_pairs_q(lost)).exclude(
            state=DigestDelivery.State.CLAIMED
        )
        # A period already done whose schedule update was lost is moved on again.
        done += [eligible[uid] for uid in finished.values_list("user_id", flat=True)]
    try:
        if held:
            _build_and_send(
                held=held,
                token=token,
                claimed_since=claimed_since,
                eligible=eligible,
                periods=periods,
                now=now,
                outcome=outcome,
                done=done,
            )
    finally:
        _periods_done(done, ends, now)
        sent = [uid for uid, state in outcome.states.items() if state == "sent"]
        if any(eligible[uid].bounce_count for uid in sent):
            DiscussionSettings.objects.filter(
                user_id__in=sent, bounce_count__gt=0
            ).update(bounce_count=0)
    if outcome.transient:
        error = outcome.transient[0]
        raise mail.TransientMailError(
            f"{len(outcome.transient)} digest(s) to retry: {error}"[:300],
            smtp_code=getattr(error, "smtp_code", None),
        )
    return outcome.states


def _build_and_send(
    *,
    held: dict[int, DigestDelivery],
    token: datetime,
    claimed_since: float,
    eligible: dict[int, DiscussionSettings],
    periods: dict[int, tuple[datetime, datetime]],
    now: datetime,
    outcome: _Outcome,
    done: list[DiscussionSettings],
) -> None:
    """Build the claimed digests from data fetched once, send them over one connection."""
    built = digest_build_many(
        requests=[(eligible[uid].user, *periods[uid]) for uid in held]
    )
    empty = [uid for uid, digest in built.items() if not digest.sections]
    if empty:
        DigestDelivery.objects.filter(
            pk__in=[held[uid].pk for uid in empty], state=DigestDelivery.State.CLAIMED
        ).update(state=DigestDelivery.State.EMPTY, item_count=0, claimed_at=None)
        for uid in empty:
            outcome.states[uid] = "empty"
            done.append(eligible[uid])
    pending = {uid: held[uid] for uid in held if uid not in empty}
    if not pending:
        return
    index_url = _absolute(reverse("discussions:index"))
    lines = _Lines()
    refresh_every = _claim_timeout().total_seconds() / 3
    connection = get_connection(fail_silently=False)
    try:
        for uid in list(pending):
            if uid not in pending:
                outcome.states[uid] = "skipped"  # taken over: lost in a refresh
                continue
            if time.monotonic() - claimed_since > refresh_every:
                pending, token = _claims_refresh(held=pending, token=token)
                claimed_since = time.monotonic()
                if uid not in pending:
                    outcome.states[uid] = "skipped"
                    continue
            delivery = pending.pop(uid)
            prefs = eligible[uid]
            state = _send_one(
                delivery=delivery,
                prefs=prefs,
                digest=built[uid],
                index_url=index_url,
                lines=lines,
                connection=connection,
                now=now,
                outcome=outcome,
            )
            outcome.states[uid] = state
            if state in ("sent", "failed"):
                done.append(prefs)
            if state == "retry" and isinstance(
                outcome.transient[-1].__cause__, ConnectionError | TimeoutError
            ):
                # The server cannot be reached: release the rest for the retry.
                _release(pending, outcome, outcome.transient[-1])
                break
    finally:
        _release(pending, outcome, None)
        with contextlib.suppress(Exception):
            connection.close()


def _release(
    pending: dict[int, DigestDelivery], outcome: _Outcome, error: BaseException | None
) -> None:
    """Give back the claims of members not sent (a retry or another worker takes them)."""
    if not pending:
        return
    DigestDelivery.objects.filter(
        pk__in=[row.pk for row in pending.values()], state=DigestDelivery.State.CLAIMED
    ).update(claimed_at=None)
    for uid in pending:
        outcome.states[uid] = "retry"
        if error is not None:
            outcome.transient.append(error)
    pending.clear()


def _send_one(
    *,
    delivery: DigestDelivery,
    prefs: DiscussionSettings,
    digest: Digest,
    index_url: str,
    lines: _Lines,
    connection: Any,
    now: datetime,
    outcome: _Outcome,
) -> str:
    """Send one claimed digest over ``connection`` and record the result (1-2 queries)."""
    row = DigestDelivery.objects.filter(
        pk=delivery.pk, state=DigestDelivery.State.CLAIMED
    )
    start = digest.period_start
    message_id = mail.message_id_make(
        "digest", prefs.user_id, start.astimezone(UTC).strftime("%Y%m%d%H%M")
    )
    zone = _zone(prefs.time_zone)
    try:
        message = mail.member_email_message(
            user=prefs.user,
            subject=_("Your cop digest: %(count)s new") % {"count": digest.item_count},
            template="digest",
            context={
                "digest": digest,
                "sections": [lines.section(section) for section in digest.sections],
                "period_start_local": start.astimezone(zone),
                "period_end_local": digest.period_end.astimezone(zone),
                "frequency": prefs.get_digest_frequency_display(),
                "index_url": index_url,
                "language_code": settings.LANGUAGE_CODE,
            },
            message_id=message_id,
            unsubscribe_scope="digest",
        )
        mail.email_message_send(message, connection=connection)
    except mail.TransientMailError as error:
        with contextlib.suppress(Exception):
            connection.close()  # it may be dead; the next send reopens it
        if delivery.attempts >= MAX_ATTEMPTS:
            row.update(state=DigestDelivery.State.FAILED, last_error=str(error)[:300])
            return "failed"
        row.update(claimed_at=None, last_error=str(error)[:300])
        outcome.transient.append(error)
        return "retry"
    except mail.PermanentMailError as error:
        row.update(state=DigestDelivery.State.FAILED, last_error=str(error)[:300])
        _record_bounce(prefs=prefs, now=now)
        logger.warning("digest for member %s refused: %s", prefs.user_id, error)
        return "failed"
    # The only window between "the server has it" and "the row says so": one UPDATE.
    row.update(
        state=DigestDelivery.State.SENT,
        sent_at=now,
        message_id=message_id,
        item_count=digest.item_count,
        last_error="",
    )
    return "sent"


def digest_send(
    *,
    user_id: int,
    period_start: datetime,
    period_end: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """Build and send one member's digest for the period, at most once; return the state.

    :func:`digest_send_batch` with one member: ``"sent"``, ``"empty"``,
    ``"failed"`` or ``"skipped"``; raises :class:`mail.TransientMailError` after
    releasing the claim, so the caller may retry.
    """
    return digest_send_batch(items=[(user_id, period_start, period_end)], now=now)[
        user_id
    ]


def _record_bounce(*, prefs: DiscussionSettings, now: datetime) -> None:
    """Count a permanent failure; at the threshold the address is bouncing."""
    DiscussionSettings.objects.filter(pk=prefs.pk).update(
        bounce_count=F("bounce_count") + 1
    )
    DiscussionSettings.objects.filter(
        pk=prefs.pk, bounce_count__gte=BOUNCE_THRESHOLD, bouncing_since__isnull=True
    ).update(bouncing_since=now)


@transaction.atomic
def digest_bounce_reset(*, user: Any) -> None:
    """Clear the bouncing mark of ``user``'s address (it was changed or verified again).

    Call from allauth's ``email_confirmed`` / ``email_changed`` signals. Idempotent.
    """
    DiscussionSettings.objects.filter(user=user).update(
        bounce_count=0, bouncing_since=None, updated_at=timezone.now()
    )


# ----------------------------------------------------------------- unsubscribe

_CHOICES_BY_SCOPE = {
    "all": ("less", "digest_off", "notifications_off", "all_off"),
    "digest": ("less", "digest_off"),
    "notifications": ("notifications_off",),
}
_ONE_CLICK = {
    "all": "all_off",
    "digest": "digest_off",
    "notifications": "notifications_off",
}


def unsubscribe_choices(*, scope: str, prefs: DiscussionSettings | None) -> list[str]:
    """Return the choices a token of ``scope`` allows, first the one-click default."""
    if scope.startswith("space:"):
        return ["space_off"]
    choices = list(_CHOICES_BY_SCOPE.get(scope, ()))
    frequency = prefs.digest_frequency if prefs else DigestFrequency.WEEKLY
    if frequency != DigestFrequency.DAILY and "less" in choices:
        choices.remove("less")  # weekly is already the least often
    default = _ONE_CLICK.get(scope)
    if default in choices:
        choices.remove(default)
        choices.insert(0, default)
    return choices


@transaction.atomic
def email_unsubscribe(*, user_id: int, scope: str, choice: str | None = None) -> str:
    """Apply an unsubscribe ``choice`` allowed by ``scope``; return the choice applied.

    Called with a verified token's user and scope (no session). Without ``choice``
    (RFC 8058 one-click) the scope's default applies. Raises ``ValueError`` for a
    choice outside the scope and ``LookupError`` when the member or space is gone.
    Idempotent.
    """
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise LookupError("member not found")
    prefs, _created = DiscussionSettings.objects.select_for_update().get_or_create(
        user=user
    )
    allowed = unsubscribe_choices(scope=scope, prefs=prefs)
    choice = choice or allowed[0]
    if choice not in allowed:
        raise ValueError(f"choice {choice!r} not allowed for scope {scope!r}")
    fields = ["updated_at"]
    if choice == "space_off":
        space = Space.objects.filter(pk=int(scope.split(":", 1)[1])).first()
        if space is None:
            raise LookupError("space not found")
        _mute_space(user=user, space=space)
        return choice
    if choice == "less":
        prefs.digest_frequency = DigestFrequency.WEEKLY
        fields.append("digest_frequency")
    if choice in ("digest_off", "all_off"):
        prefs.digest_frequency = DigestFrequency.OFF
        fields.append("digest_frequency")
    if choice in ("notifications_off", "all_off"):
        prefs.email_notifications = False
        fields.append("email_notifications")
    prefs.next_digest_at = digest_next_at(prefs=prefs, after=timezone.now())
    fields.append("next_digest_at")
    prefs.save(update_fields=fields)
    return choice


def _mute_space(*, user: Any, space: Space) -> None:
    try:
        from discussions.services.subscriptions import follow_set  # H5's service
    except ImportError:  # pragma: no cover - until follows land
        Subscription.objects.update_or_create(
            user=user, space=space, defaults={"level": FollowLevel.MUTED}
        )
        return
    follow_set(actor=user, level=FollowLevel.MUTED, space=space)

"""Build members' digests: what each may see of the period, minus what they muted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from cop.core.digest import (
    DigestFollows,
    DigestItem,
    DigestRequest,
    DigestSection,
    digest_sections,
)
from discussions import mail, permissions
from discussions.models import FollowLevel, Space, Subscription

from .candidates import _Candidates, _candidates, _muted, _Row

#: At most this many items per section and per digest; the rest is a "more" link.
DIGEST_SECTION_LIMIT = 20
DIGEST_TOTAL_LIMIT = 50


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


def _path_maker(name: str, **sentinels: Any) -> Callable[..., str]:
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
            if answer is None:  # answered rows are fetched with their answer
                raise ValueError(f"topic {t.pk} has no accepted answer")
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
            and t.answer is not None
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

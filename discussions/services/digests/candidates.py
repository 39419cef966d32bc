"""The period's candidate topics of a whole batch of digests, fetched once as plain rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from cop.core.digest import DigestFollows, DigestRequest
from discussions.models import EmbargoState, Post, ReviewState, Topic, TopicKind

#: The date of a row before :func:`_rows` sets it (every fetched row has one).
_NEVER = datetime.min.replace(tzinfo=UTC)


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
    when: datetime = _NEVER
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


def _muted(
    follows: DigestFollows, topic: _Row, tags_of: dict[int, frozenset[int]]
) -> bool:
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

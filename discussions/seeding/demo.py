"""Seed the demo discussions (``--scale demo``) from :mod:`discussions.seeding.data`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from cop.core.seeding import row_ensure
from discussions.models import (
    DiscussionSettings,
    EmbargoState,
    FollowLevel,
    HelpfulMark,
    Mention,
    Post,
    PostFlag,
    PostRevision,
    ReviewState,
    Space,
    Subscription,
    Tag,
    Topic,
    Visibility,
)

from .common import (
    WORKING_GROUP_NAME,
    _counters,
    _explicit_timestamps,
    _people,
    _product,
    _reference,
    _render,
    _roadmap_item,
    _vendor_of,
)
from .data import _SPACES, _TAGS, _TOPICS


def _demo_spaces_ensure(people: dict[str, Any]) -> dict[str, Space]:
    group, _ = Group.objects.get_or_create(name=WORKING_GROUP_NAME)
    for key in ("moderator", "library"):
        if key in people:
            group.user_set.add(people[key])
    spaces: dict[str, Space] = {}
    for values in _SPACES:
        fields: dict[str, Any] = {k: v for k, v in values.items() if k != "slug"}
        if fields["visibility"] == Visibility.WORKING_GROUP:
            fields["working_group"] = group
        spaces[str(values["slug"])], _ = row_ensure(
            Space, lookup={"slug": values["slug"]}, values=fields
        )
    return spaces


def _demo_tags_ensure() -> dict[str, Tag]:
    return {
        slug: Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for name, slug in _TAGS
    }


def _demo_topic_ensure(
    spec: dict[str, Any],
    *,
    spaces: dict[str, Space],
    tags: dict[str, Tag],
    people: dict[str, Any],
    now: dt.datetime,
) -> Topic | None:
    """Create one demo topic with its posts, marks, flags and history, once."""
    space = spaces[spec["space"]]
    existing = Topic.objects.filter(space=space, slug=spec["slug"]).first()
    if existing is not None or spec["author"] not in people:
        return existing
    product = _product(spec.get("product"))
    started = now - dt.timedelta(days=spec["days_ago"])
    embargo = spec.get("embargo", EmbargoState.NONE)
    if embargo != EmbargoState.NONE and product is None:
        embargo = EmbargoState.NONE  # the vendors seeder did not run
    topic = Topic(
        space=space,
        author=people[spec["author"]],
        kind=spec["kind"],
        title=spec["title"],
        slug=spec["slug"][:80],
        product=product,
        criterion=_reference("privacy.Criterion", spec.get("criterion")),
        red_flag=_reference("privacy.RedFlag", spec.get("red_flag")),
        document_version=spec.get("document_version", ""),
        document_date=spec.get("document_date"),
        clause_reference=spec.get("clause_reference", ""),
        embargo_state=embargo,
        roadmap_item=_roadmap_item(product, spec.get("roadmap")),
        created_at=started,
        updated_at=started,
        last_activity_at=started,
    )
    if embargo != EmbargoState.NONE:
        topic.embargo_vendor = product.organisation
        topic.embargo_ends_at = started + dt.timedelta(days=space.red_flag_window_days)
        if embargo == EmbargoState.RELEASED:
            topic.released_at = started + dt.timedelta(days=9)
    posts: list[tuple[Post, dict[str, Any]]] = []
    step = dt.timedelta(days=spec["days_ago"]) / (len(spec["posts"]) + 1)
    for number, post_spec in enumerate(spec["posts"], start=1):
        author = people.get(post_spec["author"])
        when = started + step * (number - 1)
        post = Post(
            topic=topic,
            number=number,
            author=author,
            body=post_spec["body"],
            body_html=_render(post_spec["body"]),
            is_vendor_response=bool(post_spec.get("vendor")),
            organisation=_vendor_of(author) if post_spec.get("vendor") else None,
            roadmap_item=_roadmap_item(product, post_spec.get("roadmap")),
            review_state=(
                ReviewState.PENDING
                if post_spec.get("pending")
                else ReviewState.APPROVED
            ),
            helpful_count=len([p for p in post_spec.get("helpful", ()) if p in people]),
            open_flag_count=len(post_spec.get("flagged_by", ())),
            created_at=when,
            updated_at=when,
        )
        if post_spec.get("edited_from"):
            post.edit_count = 1
            post.edited_at = when + dt.timedelta(hours=1)
        posts.append((post, post_spec))
    _counters(topic, [post for post, _ in posts])
    with _explicit_timestamps(Topic, Post):
        topic.save()
        for post, _ in posts:
            post.topic = topic
            post.save()
    topic.tags.set([tags[slug] for slug in spec["tags"]])
    for post, post_spec in posts:
        _demo_post_extras(post, post_spec, topic=topic, people=people)
    return topic


def _demo_post_extras(
    post: Post, spec: dict[str, Any], *, topic: Topic, people: dict[str, Any]
) -> None:
    """Add a post's helpful marks, mentions, flags, edit history and accepted answer.

    Each row is dated after its post (marks over the following hours, flags within
    two hours, the edit an hour later), never later than now, so that the demo's
    histories read like real ones rather than all carrying the day it was seeded.
    """
    now = timezone.now()

    def after(hours: float) -> dt.datetime:
        return min(post.created_at + dt.timedelta(hours=hours), now)

    marks = HelpfulMark.objects.bulk_create(
        [
            HelpfulMark(post=post, user=people[p])
            for p in spec.get("helpful", ())
            if p in people
        ]
    )
    for n, mark in enumerate(marks, start=1):
        HelpfulMark.objects.filter(pk=mark.pk).update(created_at=after(3 * n))
    mentions = Mention.objects.bulk_create(
        [
            Mention(post=post, user=people[p])
            for p in spec.get("mentions", ())
            if p in people
        ]
    )
    Mention.objects.filter(pk__in=[m.pk for m in mentions]).update(
        created_at=post.created_at
    )
    flags = PostFlag.objects.bulk_create(
        [
            PostFlag(post=post, flagger=people.get(who), reason=reason, text=text)
            for who, reason, text in spec.get("flagged_by", ())
        ]
    )
    for n, flag in enumerate(flags, start=1):
        PostFlag.objects.filter(pk=flag.pk).update(created_at=after(n))
    if spec.get("edited_from"):
        body, note = spec["edited_from"]
        revision = PostRevision.objects.create(
            post=post, number=1, body=body, edited_by=post.author, note=note
        )
        PostRevision.objects.filter(pk=revision.pk).update(
            created_at=post.edited_at or after(1)
        )
    if spec.get("accepted"):
        topic.accepted_answer = post
        topic.save(update_fields=["accepted_answer"])


def _demo_follows_ensure(people: dict[str, Any], spaces: dict[str, Space]) -> None:
    library = people.get("library")
    if library is None:
        return
    Subscription.objects.get_or_create(
        user=library,
        space=spaces["licensing-questions"],
        defaults={"level": FollowLevel.WATCHING},
    )
    product = _product("larchmont-stacks")
    if product is not None:
        Subscription.objects.get_or_create(
            user=library, product=product, defaults={"level": FollowLevel.WATCHING}
        )
    DiscussionSettings.objects.get_or_create(user=library)


def _demo_ensure(now: dt.datetime) -> dict[str, Space]:
    people = _people()
    spaces = _demo_spaces_ensure(people)
    tags = _demo_tags_ensure()
    if not {"library", "moderator"} <= people.keys():
        return spaces  # the members seeder did not run: spaces and tags only
    # Saved one by one, so Wagtail's signal handlers index them for search.
    for spec in _TOPICS:
        _demo_topic_ensure(spec, spaces=spaces, tags=tags, people=people, now=now)
    _demo_follows_ensure(people, spaces)
    return spaces

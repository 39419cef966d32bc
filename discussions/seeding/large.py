"""Seed the benchmark's discussions and digest subscribers (``--scale large``)."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from typing import Final

from django.contrib.auth import get_user_model

from cop.core.seeding import DEMO_EMAIL_DOMAIN, LARGE_SCALE_TARGETS, row_ensure
from cop.members.seeding import demo_readers_ensure
from discussions.models import (
    DigestFrequency,
    DiscussionSettings,
    FollowLevel,
    Post,
    Space,
    Subscription,
    Tag,
    Topic,
    TopicKind,
    Visibility,
)

from .common import BATCH, _counters, _explicit_timestamps, _render

K = TopicKind
LARGE_TOPIC_COUNT: Final = LARGE_SCALE_TARGETS["topics"]
LARGE_POST_COUNT: Final = LARGE_SCALE_TARGETS["posts"]
LARGE_LONG_TOPIC_POSTS: Final = 200
LARGE_DIGEST_SUBSCRIBERS: Final = LARGE_SCALE_TARGETS["digest_subscribers"]
LARGE_TOPIC_PREFIX: Final = "bench-topic-"
DIGEST_EMAIL_PREFIX: Final = "digest-"


_LARGE_SPACES: Final = (
    ("E-resources and licensing", "bench-e-resources", Visibility.PUBLIC, 60),
    ("Library systems", "bench-library-systems", Visibility.MEMBERS, 70),
    ("Discovery and search", "bench-discovery", Visibility.PUBLIC, 80),
)
_LARGE_TITLES: Final = (
    (K.QUESTION, "Does the {product} licence let the vendor keep {subject}?"),
    (K.QUESTION, "Who may see {subject} in {product}?"),
    (K.QUESTION, "How do we get {subject} deleted at the end of a {product} contract?"),
    (K.GENERAL, "Our experience negotiating {subject} with {vendor}"),
    (K.GENERAL, "Checklist for reviewing {subject} before renewal"),
    (K.DISCLOSURE, "{product} disclosure: the answer on {subject}"),
    (K.DISCLOSURE, "{product} disclosure changed: {subject}"),
    (K.RED_FLAG, "{product}: {subject} shared without a contract"),
)
_LARGE_SUBJECTS: Final = (
    "loan history", "search logs", "reading history", "patron barcodes",
    "usage statistics", "analytics data", "authentication logs", "holds data",
    "student reading records", "e-mail addresses", "device identifiers",
    "IP address logs", "saved lists", "recommendation data",
)  # fmt: skip
_LARGE_BODIES: Final = (
    "We checked the contract again: clause {n} says nothing about how long this is kept.",
    "Our consortium asked the same question last year. The vendor's answer was a "
    "retention period of **90 days**, written into the licence schedule.",
    "Has anyone compared this with criterion VPD-RET-01 in the vendor's disclosure?",
    "This looks like red flag RF-20 (no retention limits) to me.",
    "We switched this off in the admin settings; it took a support ticket.",
    "+1, we would like the same. Following this topic.",
    "The vendor told us this is covered by their data processing agreement, section {n}.",
    "Our legal team suggested adding a deletion certificate to the exit plan.",
    "Good point. Worth asking at the next working group call.",
    "We ran a test account for a month and asked for an export of what was stored: "
    "the export matched their disclosure.",
    "Here is the wording we used:\n\n> The vendor deletes the data within 30 days "
    "of the end of the contract and confirms the deletion in writing.",
    "I asked their support; the answer was that this is configurable per library.",
)  # fmt: skip
_TIME_ZONES: Final = (
    "UTC", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "Europe/London", "Europe/Berlin", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip


def _large_post_counts(rng: random.Random) -> list[int]:
    """Return the number of posts of each large topic: 200 first, 50,000 in all."""
    others = LARGE_TOPIC_COUNT - 1
    remaining = LARGE_POST_COUNT - LARGE_LONG_TOPIC_POSTS
    counts = [rng.randint(1, 49) for _ in range(others)]
    scale = remaining / sum(counts)
    counts = [max(1, min(150, round(c * scale))) for c in counts]
    n = 0
    while (diff := remaining - sum(counts)) != 0:
        i = n % others
        if diff > 0 and counts[i] < 150:
            counts[i] += 1
        elif diff < 0 and counts[i] > 1:
            counts[i] -= 1
        n += 1
    return [LARGE_LONG_TOPIC_POSTS, *counts]


def _large_topics_ensure(now: dt.datetime, spaces: dict[str, Space]) -> None:
    """Bulk-create the large topics and their posts, unless they exist already."""
    if Topic.objects.filter(slug__startswith=LARGE_TOPIC_PREFIX).exists():
        return  # all or nothing: the seeder runs in one transaction
    from vendors.models import Product

    user_model = get_user_model()
    posters = list(
        user_model.objects.filter(email__startswith="bench-user-")
        .order_by("pk")
        .values_list("pk", flat=True)
    ) or list(user_model.objects.order_by("pk").values_list("pk", flat=True)[:20])
    products = list(Product.objects.select_related("organisation").order_by("pk"))
    tag_ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
    for name, slug, visibility, position in _LARGE_SPACES:
        spaces[slug], _ = row_ensure(
            Space,
            lookup={"slug": slug},
            values={
                "name": name,
                "visibility": visibility,
                "position": position,
                "description": f"{name} (benchmark data).",
            },
        )
    # Where topics go: the public spaces most, then members, a few elsewhere.
    weighted = [
        *["licensing-questions"] * 4, *["disclosures-and-red-flags"] * 2,
        *["bench-e-resources"] * 4, *["bench-discovery"] * 3,
        *["vendor-conversations"] * 2, *["bench-library-systems"] * 2,
        "library-workers-lounge", "vendor-privacy-working-group",
    ]  # fmt: skip
    rng = random.Random(20261122)  # noqa: S311 - benchmark data, not security
    counts = _large_post_counts(rng)
    bodies = [b.format(n=n) for n in (3, 7, 12) for b in _LARGE_BODIES]
    rendered = {body: _render(body) for body in bodies}
    week = dt.timedelta(days=7)
    topics: list[Topic] = []
    posts_of: list[list[Post]] = []
    for n, count in enumerate(counts, start=1):
        product = products[n % len(products)] if products else None
        kind, pattern = _LARGE_TITLES[n % len(_LARGE_TITLES)]
        if n == 1:
            kind, space_slug = K.GENERAL, "licensing-questions"
            title = "Megathread: privacy clauses that worked for us"
        else:
            space_slug = weighted[n % len(weighted)]
            title = pattern.format(
                product=product.name if product else "our library system",
                vendor=product.organisation.name if product else "the vendor",
                subject=_LARGE_SUBJECTS[n % len(_LARGE_SUBJECTS)],
            )
            title = f"{title} ({n})"
        started = now - week + week * 0.8 * rng.random()
        author_id = posters[(n * 31) % len(posters)]
        topic = Topic(
            space=spaces[space_slug],
            author_id=author_id,
            kind=kind,
            title=title,
            slug=f"{LARGE_TOPIC_PREFIX}{n:04d}",
            product=product if kind != K.GENERAL else None,
            created_at=started,
            updated_at=started,
            last_activity_at=started,
        )
        span = (now - started) * 0.98
        posts = []
        for number in range(1, count + 1):
            body = bodies[(n * 7 + number * 3) % len(bodies)]
            when = started + span * ((number - 1) / count)
            posts.append(
                Post(
                    number=number,
                    author_id=author_id
                    if number == 1
                    else posters[(n * 31 + number * 7) % len(posters)],
                    body=body,
                    body_html=rendered[body],
                    created_at=when,
                    updated_at=when,
                )
            )
        _counters(topic, posts)
        topics.append(topic)
        posts_of.append(posts)
    with _explicit_timestamps(Topic, Post):
        Topic.objects.bulk_create(topics, batch_size=BATCH)
        if topics[0].pk is None:  # a backend without RETURNING: look the keys up
            ids = dict(
                Topic.objects.filter(slug__startswith=LARGE_TOPIC_PREFIX).values_list(
                    "slug", "pk"
                )
            )
            for topic in topics:
                topic.pk = ids[topic.slug]
        for topic, posts in zip(topics, posts_of, strict=True):
            for post in posts:
                post.topic_id = topic.pk
        Post.objects.bulk_create(
            [post for posts in posts_of for post in posts], batch_size=BATCH
        )
    through = Topic.tags.through
    if tag_ids:
        through.objects.bulk_create(
            [
                through(topic_id=topic.pk, tag_id=tag_ids[(n * k) % len(tag_ids)])
                for n, topic in enumerate(topics, start=1)
                for k in {1, 1 + n % 3}
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
    # Every third question with replies has its second post accepted.
    answered = [
        t.pk
        for n, t in enumerate(topics, start=1)
        if t.kind == K.QUESTION and t.post_count >= 2 and n % 3 == 0
    ]
    for start in range(0, len(answered), BATCH):
        chunk = answered[start : start + BATCH]
        answers = dict(
            Post.objects.filter(topic_id__in=chunk, number=2).values_list(
                "topic_id", "pk"
            )
        )
        for topic_id, post_id in answers.items():
            Topic.objects.filter(pk=topic_id).update(accepted_answer_id=post_id)


def _next_digest_at(
    now: dt.datetime, frequency: str, hour: int, weekday: int, tz_name: str
) -> dt.datetime:
    """Return the next time the digest is due, in UTC (local ``hour`` in ``tz_name``)."""
    local_now = now.astimezone(zoneinfo.ZoneInfo(tz_name))
    due = local_now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if frequency == DigestFrequency.WEEKLY:
        due += dt.timedelta(days=(weekday - due.weekday()) % 7)
    while due <= local_now:
        due += dt.timedelta(days=7 if frequency == DigestFrequency.WEEKLY else 1)
    return due.astimezone(dt.UTC)


def _digest_subscribers_ensure(now: dt.datetime, spaces: dict[str, Space]) -> None:
    """Bulk-create the digest subscribers, their settings and their follows; idempotent."""
    from vendors.models import Product

    emails = [
        f"{DIGEST_EMAIL_PREFIX}{n:05d}@{DEMO_EMAIL_DOMAIN}"
        for n in range(1, LARGE_DIGEST_SUBSCRIBERS + 1)
    ]
    ids = demo_readers_ensure(
        emails=emails,
        display_name=lambda n: f"Digest Reader {n:05d}",
        batch_size=BATCH,
    )
    with_settings = set(
        DiscussionSettings.objects.filter(user_id__in=ids.values()).values_list(
            "user_id", flat=True
        )
    )
    new_settings = []
    for n, email in enumerate(emails):
        if ids[email] in with_settings:
            continue
        frequency = DigestFrequency.DAILY if n % 3 == 0 else DigestFrequency.WEEKLY
        hour, weekday, tz_name = n % 24, n % 7, _TIME_ZONES[n % len(_TIME_ZONES)]
        new_settings.append(
            DiscussionSettings(
                user_id=ids[email],
                digest_frequency=frequency,
                digest_hour=hour,
                digest_weekday=weekday,
                time_zone=tz_name,
                next_digest_at=_next_digest_at(now, frequency, hour, weekday, tz_name),
            )
        )
    DiscussionSettings.objects.bulk_create(new_settings, batch_size=BATCH)
    following = set(
        Subscription.objects.filter(user_id__in=ids.values()).values_list(
            "user_id", flat=True
        )
    )
    readable = [
        spaces[slug]
        for slug in ("licensing-questions", "disclosures-and-red-flags",
                     "vendor-conversations", "bench-e-resources", "bench-discovery")
        if slug in spaces
    ]  # fmt: skip
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    follows = []
    for n, email in enumerate(emails):
        uid = ids[email]
        if uid in following:
            continue
        for space in {readable[n % len(readable)], readable[(n // 5) % len(readable)]}:
            follows.append(
                Subscription(user_id=uid, space=space, level=FollowLevel.WATCHING)
            )
        if products and n % 2 == 0:
            follows.append(
                Subscription(
                    user_id=uid,
                    product_id=products[n % len(products)],
                    level=FollowLevel.WATCHING,
                )
            )
    Subscription.objects.bulk_create(follows, batch_size=BATCH)

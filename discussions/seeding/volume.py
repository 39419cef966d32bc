"""More posts on top of the large seed, for the search benchmark (100,000 and beyond).

:func:`large_posts_extend` adds replies to the large topics until the site holds
``total`` posts: bulk inserts, each distinct body rendered once, counters kept as
the posting services keep them. Every :data:`RARE_EVERY`-th new post carries one of
:data:`RARE_WORDS`, so each of them is in a few dozen posts while the seed's usual
words ("vendor", "retention", "contract") are in thousands. Topic
``bench-topic-0001`` keeps exactly its 200 posts (the topic page benchmark reads it).
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from discussions.models import Post, Topic

from .common import BATCH, _explicit_timestamps, _render
from .large import _LARGE_BODIES, LARGE_TOPIC_PREFIX

__all__ = ["RARE_EVERY", "RARE_WORDS", "large_posts_extend"]

#: Words that only the added posts use, one in every :data:`RARE_EVERY` of them.
RARE_WORDS: Final = (
    "biometric", "geofencing", "keystroke", "watermarking", "fingerprinting",
    "telematics", "beacon", "voiceprint", "clickstream", "heatmap",
    "subpoena", "escrow", "indemnity", "arbitration", "sublicensing",
    "pseudonymisation", "tokenisation", "hashing", "salting", "anonymity",
)  # fmt: skip
RARE_EVERY: Final = 50
_RARE_SENTENCE = " Their answer on {word} was vague, so we asked for it in writing."
#: Topics left as they are: the topic page benchmark needs exactly 200 posts there.
_KEPT_TOPICS: Final = (f"{LARGE_TOPIC_PREFIX}0001",)


def large_posts_extend(*, total: int) -> int:
    """Add replies to the large topics until there are ``total`` posts; return how many.

    Needs ``seed_demo --scale large`` first (returns 0 without its topics).
    Idempotent: with ``total`` posts or more already, adds nothing.
    """
    missing = total - Post.objects.count()
    topics = list(
        Topic.objects.filter(slug__startswith=LARGE_TOPIC_PREFIX)
        .exclude(slug__in=_KEPT_TOPICS)
        .order_by("pk")
    )
    if missing <= 0 or not topics:
        return 0
    posters = list(
        get_user_model()
        .objects.filter(email__startswith="bench-user-")
        .order_by("pk")
        .values_list("pk", flat=True)
    ) or [topic.author_id for topic in topics[:20] if topic.author_id is not None]
    numbers = dict(
        Post.objects.filter(topic__in=topics)
        .values("topic_id")
        .annotate(last=Max("number"))
        .values_list("topic_id", "last")
    )
    now = timezone.now()
    rendered: dict[str, str] = {}
    new_posts: list[Post] = []
    for k in range(missing):
        topic = topics[k % len(topics)]
        body = _LARGE_BODIES[k % len(_LARGE_BODIES)].format(n=k % 20 + 1)
        if k % RARE_EVERY == 0:
            word = RARE_WORDS[(k // RARE_EVERY) % len(RARE_WORDS)]
            body += _RARE_SENTENCE.format(word=word)
        if body not in rendered:
            rendered[body] = _render(body)
        numbers[topic.pk] = numbers.get(topic.pk, 0) + 1
        when = now - dt.timedelta(seconds=missing - k)
        author_id = posters[k % len(posters)]
        new_posts.append(
            Post(
                topic_id=topic.pk,
                number=numbers[topic.pk],
                author_id=author_id,
                body=body,
                body_html=rendered[body],
                created_at=when,
                updated_at=when,
            )
        )
        topic.post_count += 1
        topic.last_post_number = numbers[topic.pk]
        topic.last_activity_at = when
        topic.last_poster_id = author_id
    with _explicit_timestamps(Post):
        for start in range(0, len(new_posts), BATCH):
            Post.objects.bulk_create(new_posts[start : start + BATCH])
    Topic.objects.bulk_update(
        topics,
        ["post_count", "last_post_number", "last_activity_at", "last_poster"],
        batch_size=BATCH,
    )
    return len(new_posts)

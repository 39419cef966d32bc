"""Demo and large-scale discussion content for ``seed_demo``.

Registered in :class:`discussions.apps.DiscussionsConfig` with order
``SEED_ORDER_DISCUSSIONS``: runs after members, vendors and guides and looks their
rows up by natural key (e-mail, organisation and product slugs, criterion and red
flag codes). All names and texts are fictional; e-mail addresses are at
``example.org``.

``--scale demo`` makes five spaces, one per visibility (public "Licensing questions"
and "Disclosures and red flags", members "Vendor conversations", library workers
"Library workers' lounge", and the "Vendor privacy working group" space of a Group
holding the demo moderator and library worker) with topics of every type: a
licensing question with an accepted answer, a released red flag with Brightwell's
response linking a roadmap item, a red flag about Larchmont's product still in its
embargo, disclosure discussions citing ``VPD-…`` and ``RF-…`` codes, tags, helpful
marks, a mention, a flagged post, an edited post with its history and a post waiting
for a moderator. Two more demo members post: ``eresources@example.org`` and
``newcomer@example.org`` (whose first post is pending).

The rows are written directly, not through ``discussions.services``: the services
apply live rules (a new member's first posts wait for a moderator, slow mode,
notifications and e-mails to followers) that would change or spam the demo. The
rows get what the services would give them: Markdown rendered by
``discussions.markup``, gap-free numbers and the denormalised counters of
``topic_counters_refresh`` (approved, not hidden posts).

``--scale large`` adds :data:`LARGE_TOPIC_COUNT` topics and :data:`LARGE_POST_COUNT`
posts over a week of activity (topic ``bench-topic-0001`` has exactly
:data:`LARGE_LONG_TOPIC_POSTS` posts, for the topic page benchmark) written by the
``cop.members`` bench users, plus :data:`LARGE_DIGEST_SUBSCRIBERS` digest
subscribers (``digest-00001@example.org`` ...) with daily or weekly digests
spread over hours and time zones, each watching spaces and a product. Bulk inserts,
one password hash, each distinct body rendered once. The large rows are not added to
the search index (``manage.py update_index`` does that, in minutes); the demo rows
are.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.html import linebreaks

from cop.core.seeding import (
    DEMO_EMAIL_DOMAIN,
    LARGE_SCALE_TARGETS,
    SCALE_LARGE,
    SEED_ORDER_DISCUSSIONS,
    demo_account_ensure,
    row_ensure,
    seeders,
)
from cop.members.models import Membership, Organisation
from cop.members.seeding import (
    PUBLIC_LIBRARY_SLUG,
    UNIVERSITY_LIBRARY_SLUG,
    code_of_conduct_demo_ensure,
    demo_profile_ensure,
    demo_readers_ensure,
    membership_verified_ensure,
)
from discussions.models import (
    DigestFrequency,
    DiscussionSettings,
    EmbargoState,
    FlagReason,
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
    TopicKind,
    Visibility,
)

WORKING_GROUP_NAME: Final = "Vendor privacy working group"
LARGE_TOPIC_COUNT: Final = LARGE_SCALE_TARGETS["topics"]
LARGE_POST_COUNT: Final = LARGE_SCALE_TARGETS["posts"]
LARGE_LONG_TOPIC_POSTS: Final = 200
LARGE_DIGEST_SUBSCRIBERS: Final = LARGE_SCALE_TARGETS["digest_subscribers"]
LARGE_TOPIC_PREFIX: Final = "bench-topic-"
DIGEST_EMAIL_PREFIX: Final = "digest-"
#: Rows per INSERT; well under SQLite's 32,766 bound variables for these tables.
BATCH: Final = 500

K = TopicKind

# ------------------------------------------------------------------ demo data

_SPACES: Final[tuple[dict[str, Any], ...]] = (
    {
        "slug": "licensing-questions",
        "name": "Licensing questions",
        "visibility": Visibility.PUBLIC,
        "position": 10,
        "description": (
            "Ask how a licence, contract or privacy policy clause works in practice. "
            "Mark the answer that helped you."
        ),
    },
    {
        "slug": "disclosures-and-red-flags",
        "name": "Disclosures and red flags",
        "visibility": Visibility.PUBLIC,
        "position": 20,
        "red_flag_window_days": 14,
        "description": (
            "Discuss vendors' privacy disclosures and raise red flags. A red flag about "
            "a product stays with the vendor for 14 days so that it can respond first."
        ),
    },
    {
        "slug": "vendor-conversations",
        "name": "Vendor conversations",
        "visibility": Visibility.MEMBERS,
        "position": 30,
        "description": "Members and vendor representatives talk about roadmaps and practice.",
    },
    {
        "slug": "library-workers-lounge",
        "name": "Library workers' lounge",
        "visibility": Visibility.LIBRARY_WORKERS,
        "position": 40,
        "description": "For library workers only: no vendor representative can read it.",
    },
    {
        "slug": "vendor-privacy-working-group",
        "name": "Vendor privacy working group",
        "visibility": Visibility.WORKING_GROUP,
        "position": 50,
        "description": "The working group's own space: drafts, schedules and reviews.",
    },
)

_TAGS: Final = (
    ("ebooks", "ebooks"),
    ("contracts", "contracts"),
    ("analytics", "analytics"),
    ("data retention", "data-retention"),
    ("law enforcement", "law-enforcement"),
    ("subprocessors", "subprocessors"),
    ("discovery", "discovery"),
    ("schools", "schools"),
)

# Extra demo members who post (besides library@, moderator@, vendor-a@, vendor-b@).
_EXTRA_PEOPLE: Final = (
    ("eresources", "Northfield E-Resources", UNIVERSITY_LIBRARY_SLUG),
    ("newcomer", "Branch Newcomer", PUBLIC_LIBRARY_SLUG),
)

# Each topic: where, what, who, and its posts. Post options: helpful (who marked it),
# accepted, mentions, flagged_by, edited_from (earlier body, note), pending, vendor
# (an official response), roadmap (title of the vendor's roadmap item).
_TOPICS: Final[tuple[dict[str, Any], ...]] = (
    {
        "space": "licensing-questions",
        "slug": "does-aggregated-usage-data-cover-loan-history",
        "kind": K.QUESTION,
        "title": 'Does "aggregated usage data" in our e-book licence cover loan history?',
        "author": "library",
        "tags": ["ebooks", "contracts"],
        "product": "paperlantern-reader",
        "criterion": "VPD-ANON-02",
        "red_flag": "RF-03",
        "document_version": "Paperlantern Library Licence 4.2",
        "document_date": dt.date(2026, 3, 1),
        "clause_reference": "Clause 7.3 (Usage data)",
        "days_ago": 16,
        "posts": [
            {
                "author": "library",
                "body": (
                    "Our renewal of the Paperlantern Reader licence says the vendor may "
                    'keep "aggregated usage data" after the contract ends (clause 7.3).\n\n'
                    "Does that include each patron's loan history, or only totals per "
                    "title? The licence never defines *aggregated*."
                ),
            },
            {
                "author": "eresources",
                "body": (
                    "We had the same clause. Without a definition it is red flag "
                    'RF-03 (undefined "aggregated" or "de-identified"). Ask them to '
                    "state the method, as criterion VPD-ANON-02 describes."
                ),
                "helpful": ["library"],
            },
            {
                "author": "moderator",
                "body": (
                    "Short answer: it covers whatever the vendor decides, so ask for a "
                    "definition before you sign. Wording that worked for others:\n\n"
                    '> "Aggregated data" means counts per title and month with no '
                    "record relating to fewer than ten patrons, and no patron identifier.\n\n"
                    "Add a ban on re-identification, and check the vendor's disclosure "
                    "for VPD-ANON-02."
                ),
                "accepted": True,
                "helpful": ["library", "eresources"],
            },
            {
                "author": "library",
                "body": "Thank you, we sent this wording to Paperlantern yesterday.",
            },
        ],
    },
    {
        "space": "licensing-questions",
        "slug": "how-long-may-a-discovery-vendor-keep-search-logs",
        "kind": K.QUESTION,
        "title": "How long may a discovery vendor keep search logs?",
        "author": "eresources",
        "tags": ["discovery", "data-retention"],
        "product": "brightwell-search",
        "criterion": "VPD-DSC-01",
        "red_flag": "RF-20",
        "days_ago": 9,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Our discovery contract has no retention period for search queries. "
                    "What have other libraries negotiated? 30 days? 90?"
                ),
                "edited_from": (
                    "Our discovery contract has no retention period for search queries. "
                    "What did you negotiate?",
                    "Added the numbers I have seen.",
                ),
            },
            {
                "author": "library",
                "body": (
                    "We got 30 days for raw queries and aggregated reports after that. "
                    "Happy to share the clause."
                ),
                "helpful": ["eresources"],
            },
            {
                "author": "vendor_b",
                "body": (
                    "For Brightwell Search: raw query logs are kept for 30 days since "
                    "last quarter (see our roadmap item on shorter search log retention)."
                ),
                "vendor": True,
                "roadmap": "Shorter search log retention",
            },
            {
                "author": "eresources",
                "body": "@Riverbend Reader thanks, that matches what Brightwell says above.",
                "mentions": ["library"],
            },
        ],
    },
    {
        "space": "licensing-questions",
        "slug": "model-clause-for-law-enforcement-requests",
        "kind": K.GENERAL,
        "title": "A model clause for law enforcement requests",
        "author": "moderator",
        "tags": ["law-enforcement", "contracts"],
        "days_ago": 6,
        "posts": [
            {
                "author": "moderator",
                "body": (
                    "Several vendors are silent on law enforcement requests (red flag "
                    "RF-09). Here is a draft clause; comments welcome:\n\n"
                    "1. The vendor discloses patron data only under a court order.\n"
                    "2. The vendor tells the library first, unless a court forbids it.\n"
                    "3. The vendor publishes the number of requests every year."
                ),
            },
            {
                "author": "eresources",
                "body": "Point 3 matters most to us: a yearly transparency report.",
                "helpful": ["moderator"],
            },
            {
                "author": "library",
                "body": (
                    "Slightly off-topic: can anyone recommend a book scanner for our "
                    "makerspace?"
                ),
                "flagged_by": [("eresources", FlagReason.OFF_TOPIC, "")],
            },
            {
                "author": "newcomer",
                "body": (
                    "New here. Would point 2 also cover requests from immigration "
                    "authorities?"
                ),
                "pending": True,
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "brightwell-search-third-party-analytics",
        "kind": K.RED_FLAG,
        "title": "Brightwell Search loads a third-party analytics script on every search",
        "author": "library",
        "tags": ["analytics", "discovery"],
        "product": "brightwell-search",
        "criterion": "VPD-COL-04",
        "red_flag": "RF-06",
        "embargo": EmbargoState.RELEASED,
        "roadmap": "Drop third-party analytics from the search page",
        "days_ago": 30,
        "posts": [
            {
                "author": "library",
                "body": (
                    "The Brightwell Search results page loads an analytics script from "
                    "another company, which sees every query and the patron's browser. "
                    "This is red flag RF-06 (monitoring users) and contradicts criterion "
                    "VPD-COL-04 in Brightwell's disclosure."
                ),
            },
            {
                "author": "vendor_b",
                "body": (
                    "Thank you for reporting this to us first. The script measures page "
                    "speed only; we agree it should not be there. Removing it is on our "
                    "roadmap; we will update the item as it moves."
                ),
                "vendor": True,
                "roadmap": "Drop third-party analytics from the search page",
                "helpful": ["library"],
            },
            {
                "author": "eresources",
                "body": "Until then, libraries can ask Brightwell to switch it off per site.",
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "larchmont-schools-reading-records-kept-after-leaving",
        "kind": K.RED_FLAG,
        "title": "Larchmont Stacks for Schools keeps reading records after a student leaves",
        "author": "library",
        "tags": ["schools", "data-retention"],
        "product": "larchmont-stacks-schools",
        "criterion": "VPD-RET-01",
        "red_flag": "RF-22",
        "embargo": EmbargoState.EMBARGOED,
        "days_ago": 3,
        "posts": [
            {
                "author": "library",
                "body": (
                    "When a student leaves the district, their reading record stays in "
                    "Larchmont Stacks for Schools with no end date. That is RF-20 (no "
                    "retention limits) and RF-22 (minors not addressed)."
                ),
            },
        ],
    },
    {
        "space": "disclosures-and-red-flags",
        "slug": "larchmont-stacks-disclosure-borrowing-history",
        "kind": K.DISCLOSURE,
        "title": "Larchmont Stacks disclosure: borrowing history off by default",
        "author": "eresources",
        "tags": ["contracts"],
        "product": "larchmont-stacks",
        "days_ago": 12,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Larchmont's new disclosure answers VPD-ILS-01 with \"off by "
                    'default" and VPD-ILS-04 with loans anonymised on return. Has anyone '
                    "checked that an upgraded system keeps an existing library's setting?"
                ),
            },
            {
                "author": "vendor_a",
                "body": (
                    "Existing settings are kept on upgrade; only new libraries start "
                    "with borrowing history off. Details are in the roadmap item."
                ),
                "vendor": True,
                "roadmap": "Borrowing history off by default",
                "helpful": ["eresources"],
            },
        ],
    },
    {
        "space": "vendor-conversations",
        "slug": "paperlantern-reader-disclosure-secondary-use",
        "kind": K.DISCLOSURE,
        "title": "Paperlantern Reader disclosure: what does secondary use cover?",
        "author": "library",
        "tags": ["ebooks"],
        "product": "paperlantern-reader",
        "days_ago": 5,
        "posts": [
            {
                "author": "library",
                "body": (
                    "Paperlantern's disclosure marks VPD-USE-04 (secondary use, including "
                    "AI training) as *not yet answered*. Related red flag: RF-17. Has "
                    "anyone asked them directly?"
                ),
            },
            {
                "author": "moderator",
                "body": "We asked at the last working group call; an answer is promised.",
            },
        ],
    },
    {
        "space": "library-workers-lounge",
        "slug": "vendor-wont-sign-our-privacy-rider",
        "kind": K.GENERAL,
        "title": "A vendor won't sign our privacy rider. What worked for you?",
        "author": "eresources",
        "tags": ["contracts"],
        "days_ago": 4,
        "posts": [
            {
                "author": "eresources",
                "body": (
                    "Our rider asks for breach notice in 72 hours and deletion at the "
                    "end of the contract. The vendor's sales team says no. Ideas?"
                ),
            },
            {
                "author": "library",
                "body": (
                    "Going through our consortium helped: the same rider from 40 "
                    "libraries got signed within a month."
                ),
                "helpful": ["eresources"],
            },
        ],
    },
    {
        "space": "vendor-privacy-working-group",
        "slug": "draft-2027-disclosure-review-schedule",
        "kind": K.GENERAL,
        "title": "Draft: 2027 disclosure review schedule",
        "author": "moderator",
        "tags": [],
        "days_ago": 2,
        "posts": [
            {
                "author": "moderator",
                "body": (
                    "Proposal: review each published disclosure once a year, in the "
                    "month it was first published, and flag answers older than 12 months."
                ),
            },
            {
                "author": "library",
                "body": "Agreed. Could we start with the discovery products in January?",
            },
        ],
    },
)

# ------------------------------------------------------------------ helpers


def _render(body: str) -> str:
    """Return the sanitised HTML of ``body`` the way the posting services store it."""
    try:
        from discussions.markup import render_markdown
    except ImportError:  # the Markdown renderer has not landed: plain, escaped text
        return str(linebreaks(body, autoescape=True))
    return render_markdown(body)


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let ``bulk_create`` store the ``created_at``/``updated_at`` we set ourselves."""
    saved = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and (
                field.auto_now or field.auto_now_add
            ):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _counters(topic: Topic, posts: Sequence[Post]) -> None:
    """Set ``topic``'s denormalised counters from ``posts`` (as topic_counters_refresh)."""
    visible = [
        p for p in posts if p.review_state == ReviewState.APPROVED and not p.hidden_at
    ]
    topic.post_count = len(visible)
    topic.last_post_number = max((p.number for p in posts), default=0)
    last = max(visible, key=lambda p: p.number, default=None)
    topic.last_activity_at = last.created_at if last else topic.created_at
    topic.last_poster_id = last.author_id if last else topic.author_id


def _space_counters_refresh(*, spaces: Sequence[Space]) -> None:
    """Recompute ``topic_count`` and ``last_activity_at`` of ``spaces`` from their topics.

    Counts the topics every reader of the space may see: approved, not hidden, not
    merged away and not in a red flag's embargo.
    """
    for space in spaces:
        listed = Topic.objects.filter(
            space=space,
            review_state=ReviewState.APPROVED,
            hidden_at__isnull=True,
            merged_into__isnull=True,
        ).exclude(embargo_state=EmbargoState.EMBARGOED)
        stats = listed.aggregate(
            n=models.Count("id"), last=models.Max("last_activity_at")
        )
        if (space.topic_count, space.last_activity_at) != (stats["n"], stats["last"]):
            space.topic_count = stats["n"]
            space.last_activity_at = stats["last"]
            space.save(update_fields=["topic_count", "last_activity_at", "updated_at"])


def _people() -> dict[str, Any]:
    """Return the demo accounts that post, by key (missing ones are left out)."""
    user_model = get_user_model()
    people = {
        key: user_model.objects.filter(email=f"{email}@{DEMO_EMAIL_DOMAIN}").first()
        for key, email in (
            ("library", "library"),
            ("moderator", "moderator"),
            ("vendor_a", "vendor-a"),
            ("vendor_b", "vendor-b"),
        )
    }
    conduct = code_of_conduct_demo_ensure()
    for key, display_name, library_slug in _EXTRA_PEOPLE:
        user = demo_account_ensure(
            email=f"{key}@{DEMO_EMAIL_DOMAIN}", role=f"library worker ({display_name})"
        )
        demo_profile_ensure(user=user, display_name=display_name, conduct=conduct)
        library = Organisation.objects.filter(slug=library_slug).first()
        if library is not None:
            membership_verified_ensure(
                user=user, organisation=library, role=Membership.Role.MEMBER
            )
        people[key] = user
    return {key: user for key, user in people.items() if user is not None}


def _vendor_of(user: Any) -> Organisation | None:
    membership = (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.REPRESENTATIVE,
            status=Membership.Status.VERIFIED,
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


def _reference(model_path: str, code: str | None) -> Any:
    if not code:
        return None
    from django.apps import apps

    return apps.get_model(model_path).objects.filter(code=code).first()


def _product(slug: str | None) -> Any:
    from vendors.models import Product

    if not slug:
        return None
    return Product.objects.select_related("organisation").filter(slug=slug).first()


def _roadmap_item(product: Any, title: str | None) -> Any:
    from vendors.models import RoadmapItem

    if not title or product is None:
        return None
    return RoadmapItem.objects.filter(
        product__organisation=product.organisation, title=title
    ).first()


# ------------------------------------------------------------------ demo seeding


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
    """Add a post's helpful marks, mentions, flags, edit history and accepted answer."""
    HelpfulMark.objects.bulk_create(
        [
            HelpfulMark(post=post, user=people[p])
            for p in spec.get("helpful", ())
            if p in people
        ]
    )
    Mention.objects.bulk_create(
        [
            Mention(post=post, user=people[p])
            for p in spec.get("mentions", ())
            if p in people
        ]
    )
    PostFlag.objects.bulk_create(
        [
            PostFlag(post=post, flagger=people.get(who), reason=reason, text=text)
            for who, reason, text in spec.get("flagged_by", ())
        ]
    )
    if spec.get("edited_from"):
        body, note = spec["edited_from"]
        PostRevision.objects.create(
            post=post, number=1, body=body, edited_by=post.author, note=note
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


# ------------------------------------------------------------------ large seeding

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


# ------------------------------------------------------------------ the seeder


def seed_discussions(*, scale: str, stdout: Any) -> dict[str, int]:
    """Create the demo (and with ``scale="large"`` the benchmark) discussions; idempotent."""
    counted = {
        "spaces": Space.objects,
        "topics": Topic.objects,
        "posts": Post.objects,
        "digest subscribers": DiscussionSettings.objects,
        "follows": Subscription.objects,
    }
    before = {name: manager.count() for name, manager in counted.items()}
    now = timezone.now()
    spaces = _demo_ensure(now)
    if scale == SCALE_LARGE:
        _large_topics_ensure(now, spaces)
        _digest_subscribers_ensure(now, spaces)
    _space_counters_refresh(spaces=list(Space.objects.all()))
    return {name: manager.count() - before[name] for name, manager in counted.items()}


def register() -> None:
    """Register this module's part with the rest of cop (called from AppConfig.ready)."""
    seeders.register("discussions", seed_discussions, order=SEED_ORDER_DISCUSSIONS)

"""Topic and post creation, editing, Q&A, helpful marks and tags.

Every function is keyword-only and atomic, checks its permission through
``discussions.permissions``, raises ``ValidationError`` (naming the field) or
``PermissionDenied``, and calls ``discussions.cache.content_changed`` inside its
transaction. Denormalised counters count only what every reader of the space
sees (approved, not hidden, not embargoed); ``Topic.last_post_number`` is the
numbering counter and never goes back, so post numbers are never reused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cop.members import permissions as member_permissions
from discussions import cache, markup, permissions
from discussions.models import (
    EmbargoState,
    HelpfulMark,
    Mention,
    Post,
    PostRevision,
    ReviewState,
    Space,
    Tag,
    Topic,
    TopicKind,
)
from discussions.services import notifications

__all__ = [
    "TAGS_MAX",
    "TITLE_MAX_LENGTH",
    "TITLE_MIN_LENGTH",
    "answer_accept",
    "answer_unaccept",
    "helpful_toggle",
    "post_create",
    "post_edit",
    "post_publish_effects",
    "space_counters_refresh",
    "tags_normalise",
    "topic_counters_refresh",
    "topic_create",
    "topic_tags_set",
]

TITLE_MIN_LENGTH = 8
TITLE_MAX_LENGTH = 200
TAGS_MAX = 5
TAG_MAX_LENGTH = 40
SLUG_MAX_LENGTH = 80
REFERENCE_MAX_LENGTH = 120
EDIT_NOTE_MAX_LENGTH = 300
_TAG_FORBIDDEN = set("<>\"'&`;/\\=(){}[]")


# ----------------------------------------------------------------- helpers


def _field_error(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.messages})


def _clean_title(title: Any) -> str:
    try:
        return markup.validate_plain_line(
            title,
            min_length=TITLE_MIN_LENGTH,
            max_length=TITLE_MAX_LENGTH,
            label=_("The title"),
        )
    except ValidationError as error:
        raise _field_error("title", error) from None


def _clean_body(body: Any) -> str:
    try:
        return markup.validate_body(body)
    except ValidationError as error:
        raise _field_error("body", error) from None


def _topic_slug(title: str) -> str:
    slug = slugify(title, allow_unicode=False)[:SLUG_MAX_LENGTH].strip("-")
    return slug or "topic"


def tags_normalise(tags: Sequence[str] | str | None) -> list[str]:
    """Return ``tags`` as distinct lower-case ASCII slugs, or raise ``ValidationError`` (``tags``).

    A string is split on commas. At most ``TAGS_MAX`` tags, each 2 to 40 characters
    of letters, digits, spaces, hyphens and underscores.
    """
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    slugs: list[str] = []
    for raw in tags:
        if not isinstance(raw, str):
            raise ValidationError({"tags": [_("Tags must be text.")]})
        value = raw.strip()
        if not value:
            continue
        if any(char in _TAG_FORBIDDEN or not char.isprintable() for char in value):
            raise ValidationError(
                {
                    "tags": [
                        _(
                            "Tags can contain only letters, digits, spaces, hyphens "
                            "and underscores."
                        )
                    ]
                }
            )
        slug = slugify(value.lower(), allow_unicode=False).strip("-_")
        if not 2 <= len(slug) <= TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": [
                        _("Each tag needs 2 to %(max)d letters or digits.")
                        % {"max": TAG_MAX_LENGTH}
                    ]
                }
            )
        if slug not in slugs:
            slugs.append(slug)
    if len(slugs) > TAGS_MAX:
        raise ValidationError(
            {"tags": [_("A topic can have at most %(max)d tags.") % {"max": TAGS_MAX}]}
        )
    return slugs


def _tags_get_or_create(slugs: list[str]) -> list[Tag]:
    existing = {tag.slug: tag for tag in Tag.objects.filter(slug__in=slugs)}
    for slug in slugs:
        if slug in existing:
            continue
        try:
            with transaction.atomic():
                existing[slug] = Tag.objects.create(name=slug, slug=slug)
        except IntegrityError:  # created meanwhile by someone else
            existing[slug] = Tag.objects.get(slug=slug)
    return [existing[slug] for slug in slugs]


def _needs_premoderation(actor: Any) -> bool:
    """Return whether ``actor``'s next post waits: fewer than N approved posts so far."""
    first_posts = int(settings.COP_DISCUSSIONS_PREMODERATE_FIRST_POSTS)
    if first_posts <= 0:
        return False
    if permissions.can_moderate(actor) or member_permissions.is_verified_vendor_rep(
        actor
    ):
        return False
    approved = Post.objects.filter(
        author_id=actor.pk, review_state=ReviewState.APPROVED
    )[:first_posts].count()
    return approved < first_posts


def _official_organisation_id(actor: Any, topic: Topic) -> int | None:
    """Return the vendor ``actor`` speaks for in ``topic`` (the product's, else the first)."""
    vendor_ids = member_permissions.represented_vendor_ids(actor)
    if not vendor_ids:
        return None
    product_vendor = topic.product.organisation_id if topic.product_id else None
    if product_vendor in vendor_ids:
        return product_vendor
    return min(vendor_ids)


def _current_reference(model: Any, value: Any, field: str) -> Any:
    """Return the current (not retired) reference row ``value`` (instance or code)."""
    if value is None or value == "":
        return None
    code = value if isinstance(value, str) else getattr(value, "code", None)
    row = model.objects.current().filter(code=code).first() if code else None
    if row is None:
        raise ValidationError(
            {field: [_("Please choose an entry of the current reference list.")]}
        )
    return row


def _document_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {"document_date": [_("Please give a date as YYYY-MM-DD.")]}
            ) from None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise ValidationError({"document_date": [_("Please give a date.")]})
    if value > timezone.localdate():
        raise ValidationError(
            {"document_date": [_("The document date cannot be in the future.")]}
        )
    return value


def _plain_field(value: Any, field: str, label: str) -> str:
    try:
        return markup.validate_plain_line(
            value, max_length=REFERENCE_MAX_LENGTH, label=label
        )
    except ValidationError as error:
        raise _field_error(field, error) from None


def _post_new(
    *, actor: Any, topic: Topic, body: str, review_state: str, **extra: Any
) -> Post:
    """Create the next post of ``topic``, numbered under a lock on the topic row."""
    # The UPDATE takes the row lock first (PostgreSQL and SQLite alike); the locked
    # read returns the number this transaction owns.
    Topic.objects.filter(pk=topic.pk).update(last_post_number=F("last_post_number") + 1)
    number = (
        Topic.objects.select_for_update()
        .values_list("last_post_number", flat=True)
        .get(pk=topic.pk)
    )
    topic.last_post_number = number
    return Post.objects.create(
        topic=topic,
        number=number,
        author=actor,
        organisation_id=_official_organisation_id(actor, topic),
        body=body,
        body_html=markup.render_markdown(body),
        review_state=review_state,
        **extra,
    )


def _mentions_create(*, post: Post, text: str) -> list[int]:
    """Create ``Mention`` rows for the members ``text`` names who can read the topic."""
    from django.contrib.auth import get_user_model

    from cop.members.validators import display_name_key

    groups = markup.mention_groups(text)
    if not groups:
        return []
    keyed = [[display_name_key(name) for name in group] for group in groups]
    keys = {key for group in keyed for key in group}
    users = {
        user.display_name_key: user
        for user in get_user_model().objects.filter(
            display_name_key__in=keys, is_active=True
        )
    }
    chosen: dict[int, Any] = {}
    for group in keyed:
        user = next((users[key] for key in group if key in users), None)
        if user is not None and user.pk != post.author_id:
            chosen[user.pk] = user
    prefetch = getattr(permissions, "roles_prefetch", None)
    if prefetch is not None:
        prefetch(list(chosen.values()))
    topic = post.topic
    readers = [
        user for user in chosen.values() if permissions.can_read_topic(user, topic)
    ]
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in readers], ignore_conflicts=True
    )
    return [user.pk for user in readers]


# ----------------------------------------------------------------- counters


def topic_counters_refresh(*, topic: Topic) -> Topic:
    """Recompute ``topic``'s post count and last activity from its visible posts.

    Locks the topic row first, so concurrent refreshes see each other's posts.
    ``last_post_number`` (the numbering counter) never goes back.
    """
    with transaction.atomic():
        locked = Topic.objects.select_for_update().get(pk=topic.pk)
        visible = Post.objects.filter(
            topic_id=topic.pk, review_state=ReviewState.APPROVED, hidden_at__isnull=True
        )
        last = visible.order_by("-number").values("created_at", "author_id").first()
        topic.post_count = visible.count()
        topic.last_post_number = max(
            locked.last_post_number,
            Post.objects.filter(topic_id=topic.pk).aggregate(n=Max("number"))["n"] or 0,
        )
        topic.last_activity_at = last["created_at"] if last else locked.created_at
        topic.last_poster_id = last["author_id"] if last else None
        topic.save(
            update_fields=[
                "post_count",
                "last_post_number",
                "last_activity_at",
                "last_poster",
            ]
        )
        cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return topic


def space_counters_refresh(*, space: Space) -> Space:
    """Recompute ``space``'s topic count and last activity from the topics all readers see."""
    with transaction.atomic():
        Space.objects.select_for_update().filter(pk=space.pk).first()
        visible = Topic.objects.filter(
            space_id=space.pk,
            review_state=ReviewState.APPROVED,
            hidden_at__isnull=True,
            merged_into__isnull=True,
        ).exclude(embargo_state=EmbargoState.EMBARGOED)
        space.topic_count = visible.count()
        space.last_activity_at = visible.aggregate(at=Max("last_activity_at"))["at"]
        space.save(update_fields=["topic_count", "last_activity_at"])
        cache.content_changed(space_id=space.pk)
    return space


def post_publish_effects(*, post: Post) -> None:
    """Do what follows a post becoming visible: counters, mentions, notifications, caches.

    Called by the posting services for posts that need no review and by
    moderation when it approves a post (approve the topic first for an opening post).
    """
    with transaction.atomic():
        topic = post.topic
        topic_counters_refresh(topic=topic)
        space_counters_refresh(space=topic.space)
        _mentions_create(post=post, text=post.body)
        notifications.notify_post_published(post=post)
        cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)


# ----------------------------------------------------------------- topics


@transaction.atomic
def topic_create(
    *,
    actor: Any,
    space: Space,
    kind: str,
    title: str,
    body: str,
    tags: Sequence[str] = (),
    product: Any = None,
    criterion: Any = None,
    red_flag: Any = None,
    document_version: str = "",
    document_date: dt.date | str | None = None,
    clause_reference: str = "",
) -> Topic:
    """Start a topic in ``space`` with its opening post (number 1).

    A licensing question or red flag may link a product, a criterion and a red-flag
    type; a red flag also records the document version, date and clause, and, with
    a product, starts the vendor's response window (embargo). The topic waits for a
    moderator when the space requires it or the author is new (their first posts).
    """
    permissions.require(permissions.can_create_topic(actor, space))
    if kind not in TopicKind.values:
        raise ValidationError({"kind": [_("Please choose a type of topic.")]})
    if kind == TopicKind.RED_FLAG:
        permissions.require(permissions.can_raise_red_flag(actor))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, clean in (
        ("title", lambda: _clean_title(title)),
        ("body", lambda: _clean_body(body)),
        ("tags", lambda: tags_normalise(tags)),
    ):
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    linked = kind in (TopicKind.QUESTION, TopicKind.RED_FLAG)
    for name, value in (("criterion", criterion), ("red_flag", red_flag)):
        if value and not linked:
            raise ValidationError(
                {name: [_("Only licensing questions and red flags link to these.")]}
            )
    criterion = _current_reference(_criterion_model(), criterion, "criterion")
    red_flag = _current_reference(_red_flag_model(), red_flag, "red_flag")
    version = _plain_field(document_version, "document_version", _("The version"))
    clause = _plain_field(clause_reference, "clause_reference", _("The clause"))
    doc_date = _document_date(document_date)
    if kind != TopicKind.RED_FLAG and (version or clause or doc_date):
        raise ValidationError(
            {"clause_reference": [_("Only red flags record a document and clause.")]}
        )
    if kind == TopicKind.RED_FLAG and red_flag is None and not clause:
        raise ValidationError(
            {"red_flag": [_("Please choose a red-flag type or give the clause.")]}
        )
    now = timezone.now()
    held = (
        space.requires_topic_approval and not permissions.can_moderate(actor, space)
    ) or _needs_premoderation(actor)
    state = ReviewState.PENDING if held else ReviewState.APPROVED
    topic = Topic(
        space=space,
        author=actor,
        kind=kind,
        title=cleaned["title"],
        slug=_topic_slug(cleaned["title"]),
        product=product,
        criterion=criterion,
        red_flag=red_flag,
        document_version=version,
        document_date=doc_date,
        clause_reference=clause,
        review_state=state,
        last_activity_at=now,
    )
    if kind == TopicKind.RED_FLAG and product is not None:
        topic.embargo_state = EmbargoState.EMBARGOED
        topic.embargo_vendor_id = product.organisation_id
        topic.embargo_ends_at = now + dt.timedelta(days=space.red_flag_window_days)
    topic.save()
    if cleaned["tags"]:
        topic.tags.set(_tags_get_or_create(cleaned["tags"]))
    post = _post_new(actor=actor, topic=topic, body=cleaned["body"], review_state=state)
    if state == ReviewState.APPROVED:
        post_publish_effects(post=post)
    cache.content_changed(space_id=space.pk, topic_id=topic.pk)
    return topic


def _criterion_model() -> Any:
    from cop.privacy.models import Criterion

    return Criterion


def _red_flag_model() -> Any:
    from cop.privacy.models import RedFlag

    return RedFlag


@transaction.atomic
def topic_tags_set(*, actor: Any, topic: Topic, tags: Sequence[str]) -> Topic:
    """Replace ``topic``'s tags (its author or a moderator); new tags are created."""
    permissions.require(
        permissions.can_read_topic(actor, topic)
        and permissions.can_edit_topic(actor, topic)
    )
    slugs = tags_normalise(tags)
    topic.tags.set(_tags_get_or_create(slugs))
    cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return topic


# ----------------------------------------------------------------- posts


@transaction.atomic
def post_create(
    *,
    actor: Any,
    topic: Topic,
    body: str,
    quote_of: Post | None = None,
    roadmap_item: Any = None,
    is_vendor_response: bool = False,
) -> Post:
    """Reply in ``topic``; the post waits for a moderator while the author is new."""
    permissions.require(permissions.can_reply(actor, topic))
    if is_vendor_response:
        permissions.require(permissions.can_respond_as_vendor(actor, topic))
    if roadmap_item is not None and not member_permissions.is_verified_vendor_rep(
        actor, roadmap_item.product.organisation_id
    ):
        raise PermissionDenied
    text = _clean_body(body)
    if quote_of is not None and (
        quote_of.topic_id != topic.pk
        or not permissions.can_see_post_body(actor, quote_of)
    ):
        raise ValidationError(
            {"quote_of": [_("You can only quote a post of this topic.")]}
        )
    wait = topic.slow_mode_seconds
    if wait and not permissions.can_moderate(actor, topic.space):
        since = timezone.now() - dt.timedelta(seconds=wait)
        last = (
            Post.objects.filter(topic_id=topic.pk, author_id=actor.pk)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None and last > since:
            left = int((last - since).total_seconds()) + 1
            raise ValidationError(
                {
                    "body": [
                        _(
                            "This topic is in slow mode: please wait %(n)d more "
                            "seconds before posting again."
                        )
                        % {"n": left}
                    ]
                }
            )
    state = ReviewState.PENDING if _needs_premoderation(actor) else ReviewState.APPROVED
    post = _post_new(
        actor=actor,
        topic=topic,
        body=text,
        review_state=state,
        quote_of=quote_of,
        roadmap_item=roadmap_item,
        is_vendor_response=is_vendor_response,
    )
    if state == ReviewState.APPROVED:
        post_publish_effects(post=post)
    cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return post


@transaction.atomic
def post_edit(*, actor: Any, post: Post, body: str, note: str = "") -> Post:
    """Change ``post``'s body, keeping the previous one as a ``PostRevision``."""
    permissions.require(permissions.can_edit_post(actor, post))
    text = _clean_body(body)
    try:
        note = markup.validate_plain_line(
            note, max_length=EDIT_NOTE_MAX_LENGTH, label=_("The note")
        )
    except ValidationError as error:
        raise _field_error("note", error) from None
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.body == text:
        return post
    PostRevision.objects.create(
        post=locked,
        number=locked.edit_count + 1,
        body=locked.body,
        edited_by=actor,
        note=note,
    )
    post.body = text
    post.body_html = markup.render_markdown(text)
    post.edited_at = timezone.now()
    post.edit_count = locked.edit_count + 1
    post.save(update_fields=["body", "body_html", "edited_at", "edit_count"])
    if post.is_visible_to_all:
        # Members named for the first time get a Mention row (no new notification).
        _mentions_create(post=post, text=text)
    cache.content_changed(space_id=post.topic.space_id, topic_id=post.topic_id)
    return post


# ----------------------------------------------------------------- Q&A and helpful


@transaction.atomic
def answer_accept(*, actor: Any, topic: Topic, post: Post) -> Topic:
    """Mark ``post`` as the accepted answer of question ``topic`` (asker or moderator)."""
    permissions.require(
        permissions.can_read_topic(actor, topic)
        and permissions.can_accept_answer(actor, topic)
    )
    if post.topic_id != topic.pk or post.number == 1 or not post.is_visible_to_all:
        raise ValidationError(
            {"post": [_("Please choose a visible reply of this question.")]}
        )
    locked = Topic.objects.select_for_update().get(pk=topic.pk)
    if locked.accepted_answer_id == post.pk:
        return topic
    topic.accepted_answer = post
    topic.save(update_fields=["accepted_answer", "updated_at"])
    notifications.notify_answer_accepted(topic=topic, post=post, actor=actor)
    cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return topic


@transaction.atomic
def answer_unaccept(*, actor: Any, topic: Topic) -> Topic:
    """Remove the accepted answer of question ``topic`` (asker or moderator)."""
    permissions.require(
        permissions.can_read_topic(actor, topic)
        and permissions.can_accept_answer(actor, topic)
    )
    Topic.objects.select_for_update().filter(pk=topic.pk).first()
    if topic.accepted_answer_id is not None:
        topic.accepted_answer = None
        topic.save(update_fields=["accepted_answer", "updated_at"])
        cache.content_changed(space_id=topic.space_id, topic_id=topic.pk)
    return topic


@transaction.atomic
def helpful_toggle(*, actor: Any, post: Post) -> bool:
    """Mark ``post`` helpful for ``actor``, or take the mark back; return whether it is marked."""
    permissions.require(
        permissions.can_read_topic(actor, post.topic)
        and permissions.can_mark_helpful(actor, post)
    )
    removed, _detail = HelpfulMark.objects.filter(post=post, user=actor).delete()
    if removed:
        Post.objects.filter(pk=post.pk, helpful_count__gt=0).update(
            helpful_count=F("helpful_count") - 1
        )
        marked = False
    else:
        try:
            with transaction.atomic():
                HelpfulMark.objects.create(post=post, user=actor)
        except IntegrityError:  # a double submit marked it meanwhile
            marked = True
        else:
            Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + 1)
            marked = True
    post.helpful_count = Post.objects.values_list("helpful_count", flat=True).get(
        pk=post.pk
    )
    cache.content_changed(space_id=post.topic.space_id, topic_id=post.topic_id)
    return marked

"""Replies, edits, accepted answers and helpful marks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cop.members import permissions as member_permissions
from discussions import cache, markup, permissions
from discussions.models import HelpfulMark, Post, PostRevision, ReviewState, Topic
from discussions.services import notifications

from .cleaning import EDIT_NOTE_MAX_LENGTH, _clean_body, _field_error
from .publishing import (
    _mentions_create,
    _needs_premoderation,
    _post_new,
    post_publish_effects,
)


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

"""Starting topics and changing their tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import cache, permissions
from discussions.models import EmbargoState, ReviewState, Space, Topic, TopicKind

from .cleaning import (
    _clean_body,
    _clean_title,
    _current_reference,
    _document_date,
    _plain_field,
    _tags_get_or_create,
    _topic_slug,
    tags_normalise,
)
from .publishing import _needs_premoderation, _post_new, post_publish_effects


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

"""Member input of topics and posts made safe: titles, bodies, tags, references, dates.

Each cleaner returns the clean value or raises ``ValidationError`` naming the form
field, so a form can show the error next to the member's own text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from discussions import markup
from discussions.models import Tag

TITLE_MIN_LENGTH = 8
TITLE_MAX_LENGTH = 200
TAGS_MAX = 5
TAG_MAX_LENGTH = 40
SLUG_MAX_LENGTH = 80
REFERENCE_MAX_LENGTH = 120
EDIT_NOTE_MAX_LENGTH = 300
_TAG_FORBIDDEN = set("<>\"'&`;/\\=(){}[]")


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

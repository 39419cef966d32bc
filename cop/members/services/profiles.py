"""Services for a member's public profile: display name and bio."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cop.members import selectors_accounts
from cop.members.models import User
from cop.members.signals import member_name_changed
from cop.members.validators import clean_bio, clean_display_name, display_name_keys

# The columns profile_display_name_prepare sets; save them together.
PROFILE_NAME_FIELDS = ("display_name", "display_name_key", "display_name_folded_key")


def _taken_error() -> ValidationError:
    return ValidationError(
        {
            "display_name": ValidationError(
                _(
                    "This display name is taken or looks too much like one that is; "
                    "please choose another."
                ),
                code="taken",
            )
        }
    )


def profile_display_name_prepare(*, user: User, display_name: str) -> User:
    """Validate ``display_name`` and set it (with its keys) on ``user`` without saving.

    Raises ``ValidationError`` keyed by ``display_name`` when the name breaks a rule
    or looks like another member's. Used at sign-up, before the account exists.
    """
    try:
        name = clean_display_name(display_name)
    except ValidationError as exc:
        raise ValidationError({"display_name": exc.error_list}) from exc
    if selectors_accounts.display_name_is_taken(name=name, exclude_user_id=user.pk):
        raise _taken_error()
    user.display_name = name
    user.display_name_key, user.display_name_folded_key = display_name_keys(name)
    return user


@transaction.atomic
def profile_update(*, user: User, display_name: str, bio: str) -> User:
    """Change ``user``'s own display name and bio.

    Only the member themself calls this (the view edits ``request.user``; there is no
    way to name another account). Raises ``ValidationError`` keyed by field; the
    unique constraints on the name keys settle a race between two members.
    """
    errors: dict[str, list[ValidationError]] = {}
    old_name = user.display_name
    try:
        profile_display_name_prepare(user=user, display_name=display_name)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    try:
        user.bio = clean_bio(bio)
    except ValidationError as exc:
        errors["bio"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user.save(update_fields=[*PROFILE_NAME_FIELDS, "bio"])
    except IntegrityError as exc:
        raise _taken_error() from exc
    if user.display_name != old_name:
        member_name_changed.send(sender=User, user_id=user.pk)
    return user

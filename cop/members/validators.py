"""Rules for what members type into their profile: display names and bios.

Display names are the only thing other people see of a member, so two names that
look alike must not both exist. ``display_name_key`` reduces a name to its UTS #39
*skeleton* (computed by ICU's ``SpoofChecker``, the reference implementation), folded
for case, so that "Anna", "anna" and "Anna" spelt with a Greek capital alpha share one key. The
key is stored in a uniquely constrained column.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import icu
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DISPLAY_NAME_MIN_LENGTH = 3
DISPLAY_NAME_MAX_LENGTH = 40
BIO_MAX_LENGTH = 1000

# Unicode categories that never belong in a name: control, format (bidi overrides,
# zero-width characters), surrogates, private use, unassigned, line/paragraph breaks.
_FORBIDDEN_IN_NAME = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# A bio may have line breaks and tabs; other control and format characters are refused.
_ALLOWED_IN_BIO = {"\n", "\r", "\t", "\u200d"}  # ZWJ joins emoji
_FORBIDDEN_IN_BIO = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACES = re.compile(r"\s+")

# Names that would let someone pass as the site or its moderators, compared by key.
RESERVED_DISPLAY_NAMES = (
    "admin",
    "administrator",
    "moderator",
    "moderators",
    "cop",
    "staff",
    "support",
    "system",
    "deleted member",
    "anonymous",
)


@lru_cache(maxsize=1)
def _spoof_checker() -> icu.SpoofChecker:
    return icu.SpoofChecker()


def display_name_key(name: str) -> str:
    """Return the case-insensitive confusable skeleton of ``name``.

    Skeleton, case fold, skeleton again: the first pass maps look-alikes from other
    scripts to their prototypes (Greek capital alpha → Latin "A"), the fold removes case, and the second
    pass catches prototypes that only appear after folding. Idempotent.
    """
    checker = _spoof_checker()
    normalised = unicodedata.normalize("NFKC", _SPACES.sub(" ", name).strip())
    first = checker.getSkeleton(0, normalised)
    return str(checker.getSkeleton(0, first.casefold()))


@lru_cache(maxsize=1)
def _reserved_keys() -> frozenset[str]:
    return frozenset(display_name_key(name) for name in RESERVED_DISPLAY_NAMES)


def clean_display_name(value: str | None) -> str:
    """Return ``value`` normalised (NFC, single spaces, trimmed) or raise ``ValidationError``.

    Uniqueness is not checked here: it needs the database (see
    ``cop.members.selectors_accounts.display_name_is_taken``).
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()
    if any(unicodedata.category(char) in _FORBIDDEN_IN_NAME for char in name):
        raise ValidationError(
            _("Display names cannot contain control or invisible characters."),
            code="control_characters",
        )
    if len(name) < DISPLAY_NAME_MIN_LENGTH:
        raise ValidationError(
            _("Please choose a display name of at least %(min)d characters.")
            % {"min": DISPLAY_NAME_MIN_LENGTH},
            code="min_length",
        )
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ValidationError(
            _(
                "Please use at most %(max)d characters for your display name (it has %(n)d)."
            )
            % {"max": DISPLAY_NAME_MAX_LENGTH, "n": len(name)},
            code="max_length",
        )
    if not any(char.isalnum() for char in name):
        raise ValidationError(
            _("A display name needs at least one letter or digit."), code="no_letters"
        )
    if display_name_key(name) in _reserved_keys():
        raise ValidationError(
            _("This display name is reserved; please choose another."),
            code="reserved",
        )
    return name


def clean_bio(value: str | None) -> str:
    """Return the bio trimmed with Unix line ends, or raise ``ValidationError``.

    HTML is kept exactly as typed: it is shown as text because templates escape it.
    """
    bio = (value or "").strip().replace("\r\n", "\n")
    if len(bio) > BIO_MAX_LENGTH:
        raise ValidationError(
            _("Please use at most %(max)d characters for your bio (it has %(n)d).")
            % {"max": BIO_MAX_LENGTH, "n": len(bio)},
            code="max_length",
        )
    for char in bio:
        if (
            char not in _ALLOWED_IN_BIO
            and unicodedata.category(char) in _FORBIDDEN_IN_BIO
        ):
            raise ValidationError(
                _(
                    "Your bio contains control or invisible characters; please remove them."
                ),
                code="control_characters",
            )
    return bio

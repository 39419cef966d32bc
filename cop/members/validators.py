"""Rules for what members type into their profile: display names and bios.

Display names are the only thing other people see of a member, so two names that
look alike must not both exist. ``display_name_keys`` reduces a name to two UTS #39
*skeletons* (computed by ICU's ``SpoofChecker``, the reference implementation), one
taken before and one after case folding, so that "Anna", "ANNA" and "Anna" spelt with
a Greek capital alpha share a key. Each key is stored in a uniquely constrained column.
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


def _normalised(name: str) -> str:
    return unicodedata.normalize("NFKC", _SPACES.sub(" ", name).strip())


def display_name_key(name: str) -> str:
    """Return the shape key of ``name``: its confusable skeleton, then case-folded.

    Skeleton, case fold, skeleton again: the first pass maps look-alikes to their
    prototypes *as written*, so capitals that look alike across scripts meet (Greek
    capital alpha and Latin "A", Cyrillic and Latin "KOT", a capital I for a
    small l); the fold removes case and the second pass catches prototypes that only
    appear after folding. Idempotent. Use :func:`display_name_keys` for comparisons:
    this key alone misses names that differ only in case when a capital's prototype
    is another letter ("RIVERBEND" has the skeleton "RlVERBEND").
    """
    checker = _spoof_checker()
    first = checker.getSkeleton(0, _normalised(name))
    return str(checker.getSkeleton(0, first.casefold()))


def display_name_folded_key(name: str) -> str:
    """Return the case key of ``name``: case-folded first, then its confusable skeleton.

    UTS #39 compares case-insensitively by folding before the skeleton, so "Anna",
    "ANNA" and "RIVERBEND READER" / "Riverbend Reader" meet here. Skeleton and fold
    are applied twice so that the result is a fixed point. Idempotent.
    """
    checker = _spoof_checker()
    first = checker.getSkeleton(0, _normalised(name).casefold())
    return str(checker.getSkeleton(0, first.casefold()))


def display_name_keys(name: str) -> tuple[str, str]:
    """Return ``(shape key, case key)`` of ``name``; two names are the same if either matches.

    Neither order of folding and skeleton catches everything: folding first turns a
    Greek capital eta into a small eta, which no longer looks like an "h", and the
    skeleton first turns a capital I into an "l", so "RIVERBEND" stops matching
    "Riverbend". Each key has its own unique column (``User.display_name_key`` and
    ``User.display_name_folded_key``).
    """
    return display_name_key(name), display_name_folded_key(name)


@lru_cache(maxsize=1)
def _reserved_keys() -> frozenset[tuple[int, str]]:
    return frozenset(
        (kind, key)
        for name in RESERVED_DISPLAY_NAMES
        for kind, key in enumerate(display_name_keys(name))
    )


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
    if not _reserved_keys().isdisjoint(enumerate(display_name_keys(name))):
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

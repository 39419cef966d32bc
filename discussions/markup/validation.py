"""Validate member text before it is stored: control characters, blank text, size and structure.

Each validator returns the cleaned text or raises ``ValidationError`` with a message
for the member; nothing is ever silently dropped.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from discussions.models import BODY_MAX_LENGTH

from .parsing import _analyse

# Bidirectional embeddings, overrides and isolates (Trojan Source), refused anywhere.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that show nothing: a body made only of these (and spaces) is empty.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")


def _control_problem(text: str, *, allow_newlines: bool) -> bool:
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or char in _BIDI_CONTROLS:
            return True
    return False


def _is_blank(text: str) -> bool:
    return not any(not c.isspace() and c not in _INVISIBLE for c in text)


def validate_plain_line(
    value: Any, *, min_length: int = 0, max_length: int, label: str
) -> str:
    """Return the one-line text ``value`` trimmed with single spaces, or raise ``ValidationError``.

    For titles, clause references and similar short fields: no control, bidi or
    line-break characters, at least ``min_length`` visible characters.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(_("%(label)s must be text.") % {"label": label})
    text = value.strip()
    if _control_problem(text, allow_newlines=False):
        raise ValidationError(
            _("%(label)s cannot contain control or invisible formatting characters.")
            % {"label": label},
            code="control_characters",
        )
    text = re.sub(r"\s+", " ", text)
    if min_length and (_is_blank(text) or len(text) < min_length):
        raise ValidationError(
            _("%(label)s needs at least %(min)d characters.")
            % {"label": label, "min": min_length},
            code="min_length",
        )
    if len(text) > max_length:
        raise ValidationError(
            _("%(label)s can have at most %(max)d characters (it has %(n)d).")
            % {"label": label, "max": max_length, "n": len(text)},
            code="max_length",
        )
    return text


def validate_body(text: Any) -> str:
    """Return the Markdown ``text`` normalised, or raise ``ValidationError``.

    Carriage returns are removed and surrounding blank lines trimmed. Refused:
    empty (or only invisible characters), longer than ``BODY_MAX_LENGTH``, control
    characters other than newline and tab, bidi overrides, more than
    ``MAX_LINKS`` links, more than ``MAX_TABLE_CELLS`` table cells, and nesting
    deeper than ``MAX_NESTING``.
    """
    if not isinstance(text, str):
        raise ValidationError(_("Please write a message."), code="empty")
    body: str = text.replace("\r", "").strip("\n").rstrip()
    if _is_blank(body):
        raise ValidationError(_("Please write a message."), code="empty")
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError(
            _("A message can have at most %(max)d characters (this one has %(n)d).")
            % {"max": BODY_MAX_LENGTH, "n": len(body)},
            code="max_length",
        )
    if _control_problem(body, allow_newlines=True):
        raise ValidationError(
            _(
                "The message contains control or bidirectional formatting characters; "
                "please remove them."
            ),
            code="control_characters",
        )
    problem = _analyse(body).problem
    if problem:
        raise ValidationError(problem, code="structure")
    return body

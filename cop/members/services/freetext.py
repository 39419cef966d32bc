"""Checks for free text that members and moderators type (messages, reasons)."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Newlines and tabs are fine in a message; every other control character is not.
_ALLOWED_CONTROL = {"\n", "\r", "\t", "\u200d"}  # ZWJ joins emoji


def freetext_clean(
    value: str | None, *, max_length: int, required: bool = False, field: str = ""
) -> str:
    """Return ``value`` stripped, or raise ``ValidationError`` saying what is wrong.

    Rejects control and format characters (which hide or reorder text) and text longer
    than ``max_length``. HTML is kept as typed: templates escape it when shown.
    """
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(_("Please give a reason."), code="required")
    if len(text) > max_length:
        raise ValidationError(
            _("Please keep this under %(max)d characters (it has %(n)d).")
            % {"max": max_length, "n": len(text)},
            code="max_length",
        )
    for char in text:
        if char in _ALLOWED_CONTROL:
            continue
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"}:
            raise ValidationError(
                _(
                    "This text contains invisible control characters; please remove them."
                ),
                code="control_characters",
            )
    return text.replace("\r\n", "\n")

"""What a member keeps on the guides: following sections, saving checklist answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cop.guides import permissions
from cop.guides.models import (
    ChecklistPage,
    FollowedSection,
    SavedChecklistAnswers,
    SectionFollow,
)

#: The self-assessment choices of a checklist item (as in ``checklist_page.html``).
STATUSES = frozenset({"", "doing", "needs_work", "not_yet"})
#: Longest "who will" text, as the page's input allows.
WHO_MAX_LENGTH = 200


def section_follow_set(*, actor: Any, section: str, following: bool) -> bool:
    """Follow or stop following ``section`` in the digest; return whether following.

    Idempotent: following twice keeps one row, unfollowing what is not followed
    does nothing.
    """
    if not permissions.can_follow_sections(actor):
        raise PermissionDenied
    if section not in FollowedSection.values:
        raise ValidationError(_("There is no such section to follow."))
    if following:
        SectionFollow.objects.get_or_create(user=actor, section=section)
    else:
        SectionFollow.objects.filter(user=actor, section=section).delete()
    return following


def checklist_answers_clean(
    *, page: ChecklistPage, answers: Any, item_codes: frozenset[str]
) -> dict[str, dict[str, str]]:
    """Return ``answers`` checked against the checklist's items, or raise.

    Only the page's own item codes, a known status and a "who will" of at most 200
    characters are kept; an item without either is dropped.
    """
    if not isinstance(answers, Mapping):
        raise ValidationError(_("The answers could not be read."))
    clean: dict[str, dict[str, str]] = {}
    for code, answer in answers.items():
        if code not in item_codes:
            raise ValidationError(
                _("“%(code)s” is not an item of this checklist.") % {"code": code}
            )
        if not isinstance(answer, Mapping):
            raise ValidationError(_("The answers could not be read."))
        status = answer.get("status", "")
        who = answer.get("who", "")
        if not isinstance(status, str) or status not in STATUSES:
            raise ValidationError(
                _("Item %(code)s has an unknown answer.") % {"code": code}
            )
        if not isinstance(who, str) or len(who.strip()) > WHO_MAX_LENGTH:
            raise ValidationError(
                _("“Who will” of item %(code)s is longer than %(n)d characters.")
                % {"code": code, "n": WHO_MAX_LENGTH}
            )
        if status or who.strip():
            clean[code] = {"status": status, "who": who.strip()}
    return clean


@transaction.atomic
def checklist_answers_save(
    *, actor: Any, page: ChecklistPage, answers: Any, item_codes: frozenset[str]
) -> SavedChecklistAnswers | None:
    """Save the member's answers to ``page`` (replacing earlier ones); return the row.

    Saving no answer at all deletes the saved ones (and returns ``None``).
    """
    permissions.require_checklist_saver(actor)
    clean = checklist_answers_clean(page=page, answers=answers, item_codes=item_codes)
    if not clean:
        checklist_answers_delete(actor=actor, page=page)
        return None
    row, _created = SavedChecklistAnswers.objects.update_or_create(
        user=actor, page=page, defaults={"answers": clean}
    )
    return row


def checklist_answers_delete(*, actor: Any, page: ChecklistPage) -> bool:
    """Delete the member's saved answers to ``page``; return whether there were any."""
    permissions.require_checklist_saver(actor)
    deleted, _by_model = SavedChecklistAnswers.objects.filter(
        user=actor, page=page
    ).delete()
    return bool(deleted)

"""Forms of the members' data rights pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cop.privacy.services.erasure import REASON_MAX_LENGTH

POSTS_CHOICES = [
    (
        "keep",
        _(
            "Keep my posts, shown as written by “Former member” (no name, no profile link)"
        ),
    ),
    (
        "delete",
        _(
            "Delete my posts (an opening post others replied to keeps a note in its place)"
        ),
    ),
]


class AccountDeleteForm(forms.Form):
    """The member's choice about their posts and an explicit confirmation."""

    posts = forms.ChoiceField(
        label=_("Your posts"), choices=POSTS_CHOICES, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account cannot be restored."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    @property
    def keep_posts(self) -> bool:
        return bool(self.cleaned_data.get("posts") == "keep")


class MemberEraseForm(AccountDeleteForm):
    """A moderator's erasure on request: the same choice plus the reason."""

    reason = forms.CharField(
        label=_("Reason (e.g. the request's reference)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )
    confirm = forms.BooleanField(
        label=_("This member asked for the erasure; it cannot be undone."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

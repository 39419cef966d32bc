"""Forms for accounts, profiles and the code of conduct.

``SignupForm`` is allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``: allauth builds its own
sign-up form on top of it, so its fields appear after the e-mail and password fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cop.members import selectors_accounts
from cop.members.validators import (
    BIO_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    clean_bio,
    clean_display_name,
)

DISPLAY_NAME_HELP = _(
    "How other members see you. Your e-mail address and real name are never shown. "
    "Names that look alike (such as Anna and ANNA) count as the same name."
)


def _conduct_label() -> str:
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I have read and accept the"),
        reverse_lazy("members:conduct_detail"),
        _("code of conduct"),
    )


class DisplayNameField(forms.CharField):
    """A display name, checked against cop's rules (not yet for uniqueness)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Display name"))
        kwargs.setdefault("help_text", DISPLAY_NAME_HELP)
        # The browser limit is a little above the rule so that the rule's clear
        # message, not a silent cut, tells someone who pasted a long name.
        kwargs.setdefault("max_length", DISPLAY_NAME_MAX_LENGTH * 4)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "nickname", "spellcheck": "false"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return clean_display_name(value)


class SignupForm(forms.Form):
    """Extra sign-up fields: a display name and acceptance of the code of conduct.

    The account itself is completed by ``AccountAdapter.save_user``; ``signup`` is the
    hook allauth requires and has nothing left to do.
    """

    display_name = DisplayNameField()
    accept_code_of_conduct = forms.BooleanField(
        label=lazy(_conduct_label, str)(),
        error_messages={
            "required": _("Please accept the code of conduct to join the community.")
        },
    )

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        if selectors_accounts.display_name_is_taken(name=name):
            raise ValidationError(
                _(
                    "This display name is taken or looks too much like one that is; "
                    "please choose another."
                ),
                code="taken",
            )
        return name

    def signup(self, request: HttpRequest, user: Any) -> None:
        """Nothing to do: the adapter saved the display name and the acceptance."""


class ProfileForm(forms.Form):
    """A member's own display name and bio; the service re-validates everything."""

    display_name = forms.CharField(
        label=_("Display name"),
        help_text=DISPLAY_NAME_HELP,
        max_length=DISPLAY_NAME_MAX_LENGTH * 4,
        strip=False,
    )
    bio = forms.CharField(
        label=_("About you"),
        help_text=_(
            "Optional, public, up to %(max)d characters. Plain text; HTML is shown as typed."
        )
        % {"max": BIO_MAX_LENGTH},
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=BIO_MAX_LENGTH * 2,
        required=False,
        strip=False,
    )

    def clean_bio(self) -> str:
        return clean_bio(self.cleaned_data.get("bio"))


class ConductAcceptForm(forms.Form):
    """Acceptance of the version of the code of conduct shown on the page."""

    version_id = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read and accept this version of the code of conduct"),
        error_messages={"required": _("Please tick the box to accept.")},
    )
